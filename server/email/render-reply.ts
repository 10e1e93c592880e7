/**
 * The email of agent replies a visitor has not read (issue 12), as plain text and HTML: who
 * answered (name and picture), the replies, the button that continues the conversation, and the
 * unsubscribe line. Pure: it gets everything it shows, and escapes all of it.
 */
import { emailWords, formatWhen, type EmailLang } from './email-words.ts';
import { avatarHtml, buttonHtml, escapeHtml, layoutHtml, textHtml } from './html.ts';

type Body = { body: string; attachments?: Array<{ name: string }> };

/** A message as text lines: its words, then a line per file it carries (a file-only message has no words). */
export const bodyLines = (message: Body, file: (name: string) => string): string[] =>
  [...(message.body ? [message.body] : []), ...(message.attachments ?? []).map((a) => file(a.name))];

export const bodyHtml = (message: Body, file: (name: string) => string): string =>
  bodyLines(message, file).map((line, i) => (i < (message.body ? 1 : 0) ? textHtml(line) : `<span style="color:#4b5563;">${escapeHtml(line)}</span>`)).join('<br>');

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface ReplyEmail {
  lang: EmailLang;
  siteName: string;
  color: string;
  /** Oldest first; each agent's name and picture. */
  replies: Array<{ body: string; createdAt: number; agent: { name: string; avatarUrl: string | null } | null; attachments?: Array<{ name: string }> }>;
  continueUrl: string;
  unsubscribeUrl: string;
  /** The email has a reply address (INBOUND_EMAIL_DOMAIN): answering it reaches the conversation. */
  replyable: boolean;
  /** Not the first email of the thread: the subject says "Re:" so mail clients keep the thread together. */
  followUp: boolean;
  timeZone?: string;
}

export function renderReplyEmail(email: ReplyEmail): RenderedEmail {
  const w = emailWords(email.lang);
  const agents = [...new Set(email.replies.map((reply) => reply.agent?.name ?? w.team))];
  const headline = agents.length === 1 ? w.replied(agents[0]!) : w.repliedMany(email.siteName);
  const subject = `${email.followUp ? 'Re: ' : ''}${w.subject(email.siteName)}`;
  const hint = email.replyable ? w.replyHint : w.linkOnlyHint;

  const text = [
    headline,
    '',
    ...email.replies.flatMap((reply) => [`${reply.agent?.name ?? w.team} · ${formatWhen(reply.createdAt, email.lang, email.timeZone)}`, ...bodyLines(reply, w.file), '']),
    `${w.continue}: ${email.continueUrl}`,
    '',
    hint,
    '',
    '--',
    w.why(email.siteName),
    `${w.unsubscribe}: ${email.unsubscribeUrl}`,
  ].join('\n');

  let previous: string | null = null;
  const replies = email.replies.map((reply) => {
    const name = reply.agent?.name ?? w.team;
    const who = name === previous ? '' : `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:18px 0 6px;"><tr>
<td style="padding-right:10px;vertical-align:middle;">${avatarHtml(name, reply.agent?.avatarUrl ?? null, email.color)}</td>
<td style="vertical-align:middle;"><strong>${escapeHtml(name)}</strong><br><span style="color:#6b7280;font-size:13px;">${escapeHtml(formatWhen(reply.createdAt, email.lang, email.timeZone))}</span></td>
</tr></table>`;
    previous = name;
    return `${who}<div style="margin:0 0 8px 50px;padding:10px 14px;background:#f3f4f6;border-radius:4px 12px 12px 12px;">${bodyHtml(reply, w.file)}</div>`;
  }).join('\n');

  const html = layoutHtml({
    lang: email.lang === 'zh' ? 'zh-CN' : 'en',
    title: subject,
    preheader: email.replies.at(-1)?.body.slice(0, 120) ?? headline,
    heading: email.siteName,
    color: email.color,
    body: `<h1 style="margin:0 0 4px;font-size:20px;line-height:1.3;">${escapeHtml(headline)}</h1>
${replies}
${buttonHtml(w.continue, email.continueUrl, email.color)}
<p style="margin:8px 0 0;color:#6b7280;font-size:13px;">${escapeHtml(hint)}</p>`,
    footer: `${escapeHtml(w.why(email.siteName))}<br><a href="${escapeHtml(email.unsubscribeUrl)}" style="color:#6b7280;">${escapeHtml(w.unsubscribe)}</a>`,
  });
  return { subject, text, html };
}
