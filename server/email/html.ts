/**
 * The HTML of Parley's emails: escaping, and the one layout every email shares (a card with the
 * site's colour, inline styles only, tables where mail clients need them). Everything that comes
 * from a person or a setting goes through escapeHtml before it is part of the markup; nothing here
 * takes HTML from a caller except the already-built parts of the layout.
 */

/** Safe in text and in double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A message body as HTML: escaped, its line breaks kept. */
export const textHtml = (text: string) => escapeHtml(text).replace(/\r?\n/g, '<br>');

/** Only http(s) links make it into an email; anything else (javascript:, data:) is dropped. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : null;
  } catch {
    return null;
  }
}

/** Black or white text, whichever reads better on the site's colour (WCAG relative luminance). */
export function textOn(hex: string): string {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) return '#ffffff';
  const [r, g, b] = match.slice(1).map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 ? '#111827' : '#ffffff';
}

/** The site's colour when it is one, else Parley's. */
export const brandColor = (color: string | undefined) => (color && /^#[0-9a-f]{6}$/i.test(color) ? color : '#4f46e5');

/** A round picture of a person: their avatar (https only), else their initial on the site's colour. */
export function avatarHtml(name: string, avatarUrl: string | null, color: string): string {
  const url = avatarUrl?.startsWith('https://') ? safeUrl(avatarUrl) : null;
  if (url) return `<img src="${escapeHtml(url)}" width="40" height="40" alt="" style="display:block;width:40px;height:40px;border-radius:20px;object-fit:cover;">`;
  const initial = escapeHtml((name.trim()[0] ?? '?').toUpperCase());
  return `<div style="width:40px;height:40px;border-radius:20px;background:${color};color:${textOn(color)};font:600 18px/40px system-ui,-apple-system,'Segoe UI',sans-serif;text-align:center;">${initial}</div>`;
}

export function buttonHtml(label: string, url: string, color: string): string {
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:24px 0 8px;"><tr><td style="border-radius:8px;background:${color};">
<a href="${escapeHtml(url)}" style="display:inline-block;padding:12px 22px;border-radius:8px;color:${textOn(color)};font:600 15px/1.2 system-ui,-apple-system,'Segoe UI',sans-serif;text-decoration:none;">${escapeHtml(label)}</a>
</td></tr></table>`;
}

export interface Layout {
  lang: string;
  title: string;
  /** The line mail clients show beside the subject. */
  preheader: string;
  /** The site (or "Parley" for agents), at the top of the card. */
  heading: string;
  color: string;
  /** Built HTML (escaped already). */
  body: string;
  /** Built HTML (escaped already), small print under the card. */
  footer: string;
}

export function layoutHtml(layout: Layout): string {
  const font = "system-ui,-apple-system,'Segoe UI',Roboto,'PingFang SC','Microsoft YaHei',sans-serif";
  return `<!doctype html>
<html lang="${escapeHtml(layout.lang)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light"><title>${escapeHtml(layout.title)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;">
<div style="display:none;max-height:0;overflow:hidden;opacity:0;">${escapeHtml(layout.preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:12px;border-top:4px solid ${layout.color};font-family:${font};color:#111827;">
<tr><td style="padding:20px 24px 0;font:600 13px/1.4 ${font};letter-spacing:.02em;color:#6b7280;">${escapeHtml(layout.heading)}</td></tr>
<tr><td style="padding:8px 24px 24px;font:15px/1.55 ${font};overflow-wrap:anywhere;word-break:break-word;">${layout.body}</td></tr>
</table>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;"><tr><td style="padding:16px 24px;font:12px/1.5 ${font};color:#6b7280;text-align:center;">${layout.footer}</td></tr></table>
</td></tr></table>
</body>
</html>`;
}
