/**
 * The email an owner gets when the circuit breaker pauses a webhook endpoint (issue 15): which
 * endpoint of which site, why (the last attempt's answer or error), after how many failures, that
 * nothing is lost yet, when Parley tries again by itself, and how to resume it at once — with the
 * link to Settings → Webhooks. English or Simplified Chinese, as the site's other emails. Pure,
 * and everything escaped.
 */
import { WEBHOOK_LIMITS } from '../../protocol/protocol.ts';
import { formatWhen, type EmailLang } from './email-words.ts';
import { buttonHtml, escapeHtml, layoutHtml, textHtml } from './html.ts';
import type { RenderedEmail } from './render-reply.ts';

export interface WebhookPausedEmail {
  lang: EmailLang;
  siteName: string;
  color: string;
  endpoint: { url: string; description: string };
  /** Attempts that failed in a row when it was paused. */
  failures: number;
  statusCode: number | null;
  error: string | null;
  /** When Parley sends one delivery again by itself; null when not planned. */
  probeAt: number | null;
  /** The time zone times are shown in (the site's business hours', else UTC). */
  timeZone: string;
  settingsUrl: string;
}

interface Words {
  subject: (site: string, where: string) => string;
  heading: string;
  stopped: (where: string, failures: number) => string;
  last: string;
  noAnswer: string;
  kept: (hours: number) => string;
  probe: (when: string) => string;
  resume: string;
  button: string;
  why: (site: string) => string;
  /** A label before its text, and an aside after one: the language's own punctuation. */
  colon: string;
  aside: (text: string, note: string) => string;
}

const EN: Words = {
  subject: (site, where) => `Webhooks to ${where} are paused (${site})`,
  heading: 'A webhook endpoint is paused',
  stopped: (where, failures) => `Parley has stopped sending events to ${where} after ${failures} failed attempts in a row.`,
  last: 'The last attempt',
  noAnswer: 'no answer',
  kept: (hours) => `No event is lost yet: each one waits and is retried for ${hours} hours after it happened; after that it stays in the delivery log, where you can replay it.`,
  probe: (when) => `Parley tries one delivery again at ${when} and resumes sending by itself once it goes through.`,
  resume: 'Fixed the receiver already? Resume the endpoint now: Settings → Webhooks, “Resume now”.',
  button: 'Open Settings → Webhooks',
  why: (site) => `You get this email because you are an owner of ${site} on Parley. It is sent once each time an endpoint is paused.`,
  colon: ': ',
  aside: (text, note) => `${text} (${note})`,
};

const ZH: Words = {
  subject: (site, where) => `发往 ${where} 的 Webhook 已暂停（${site}）`,
  heading: 'Webhook 端点已暂停',
  stopped: (where, failures) => `连续 ${failures} 次发送失败后，Parley 已暂停向 ${where} 发送事件。`,
  last: '最后一次尝试',
  noAnswer: '无响应',
  kept: (hours) => `事件暂未丢失：每个事件在发生后的 ${hours} 小时内会等待并重试；超过之后会保留在投递日志中，您可以在那里重新发送。`,
  probe: (when) => `Parley 将于 ${when} 再尝试发送一次，成功后会自动恢复发送。`,
  resume: '接收端已经修好了？现在就恢复该端点：Settings → Webhooks，点击“Resume now”。',
  button: '打开 Settings → Webhooks',
  why: (site) => `您收到这封邮件，是因为您是 Parley 上 ${site} 的所有者。端点每次暂停时只发送这一封。`,
  colon: '：',
  aside: (text, note) => `${text}（${note}）`,
};

/**
 * How the email names the endpoint: its host and the start of its path. A webhook URL's path or
 * query is often its credential (hooks.slack.com/services/…), and an email travels and stays in
 * mailboxes; Settings shows the whole URL.
 */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const [first, ...rest] = parsed.pathname.split('/').filter(Boolean);
    const cut = rest.length > 0 || parsed.search !== '' ? '/…' : '';
    return `${parsed.origin}${first ? `/${first}` : ''}${cut}`;
  } catch {
    return url.slice(0, 40);
  }
}

export function renderWebhookPausedEmail(email: WebhookPausedEmail): RenderedEmail {
  const w = email.lang === 'zh' ? ZH : EN;
  const url = shownUrl(email.endpoint.url);
  const where = email.endpoint.description ? w.aside(url, email.endpoint.description) : url;
  const host = (() => { try { return new URL(email.endpoint.url).host; } catch { return url; } })();
  const subject = w.subject(email.siteName, host);
  const last = email.error ?? (email.statusCode !== null ? `HTTP ${email.statusCode}` : w.noAnswer);
  const hours = Math.round(WEBHOOK_LIMITS.retryForMs / 3600_000);
  const when = email.probeAt === null ? null : w.aside(formatWhen(email.probeAt, email.lang, email.timeZone), email.timeZone);
  const stopped = w.stopped(where, email.failures);
  const paragraphs = [stopped, `${w.last}${w.colon}${last}`, w.kept(hours), ...(when ? [w.probe(when)] : []), w.resume];

  const text = [
    w.heading,
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    `${w.button}${w.colon}${email.settingsUrl}`,
    '',
    '--',
    w.why(email.siteName),
  ].join('\n');

  const html = layoutHtml({
    lang: email.lang === 'zh' ? 'zh-CN' : 'en',
    title: subject,
    preheader: stopped,
    heading: `${email.siteName} · Parley`,
    color: email.color,
    body: `<h1 style="margin:0 0 12px;font-size:20px;line-height:1.3;">${escapeHtml(w.heading)}</h1>
<p style="margin:0 0 12px;">${textHtml(stopped)}</p>
<p style="margin:0 0 12px;padding:10px 14px;background:#fef2f2;border-radius:8px;color:#991b1b;">${escapeHtml(w.last)}${escapeHtml(w.colon)}${textHtml(last)}</p>
${paragraphs.slice(2).map((p) => `<p style="margin:0 0 12px;">${textHtml(p)}</p>`).join('\n')}
${buttonHtml(w.button, email.settingsUrl, email.color)}`,
    footer: escapeHtml(w.why(email.siteName)),
  });
  return { subject, text, html };
}
