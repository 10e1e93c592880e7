/**
 * The hosted conversation page (issue 12, EMAIL_PAGES.conversation): where an email's "continue
 * the conversation" link goes when the visitor's own page is not known. The site's real widget,
 * opened, on this server's origin (which every site allows); the widget reads the link's
 * `parley_resume` and opens the conversation. No data of the visitor is in the page itself.
 */
import type { Site } from '../../protocol/protocol.ts';
import { emailWords, type EmailLang } from '../email/email-words.ts';
import { brandColor, escapeHtml } from '../email/html.ts';

export function conversationPage(site: Pick<Site, 'name' | 'widget'>, lang: EmailLang, snippet: string): string {
  const w = emailWords(lang);
  const title = w.conversationTitle(site.name);
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>
  body { margin: 0; min-height: 100vh; background: #f3f4f6; font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif; color: #111827; }
  header { background: ${brandColor(site.widget.color)}; height: 6px; }
  main { max-width: 40rem; margin: 0 auto; padding: 2.5rem 1.5rem; }
  h1 { margin: 0 0 .5rem; font-size: 1.4rem; }
  p { margin: 0; color: #4b5563; }
</style>
</head>
<body>
<header></header>
<main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(w.conversationHint)}</p></main>
${snippet}
<script>Parley('open');</script>
</body>
</html>`;
}
