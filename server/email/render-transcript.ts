/**
 * The transcript a visitor asked for (issue 12): the conversation as they saw it — their messages,
 * the agents' replies, the system lines — never internal notes (the caller passes what the visitor
 * may see). Plain text and HTML; pure, and everything escaped.
 */
import type { Message } from '../../protocol/protocol.ts';
import { emailWords, formatWhen, type EmailLang } from './email-words.ts';
import { buttonHtml, escapeHtml, layoutHtml } from './html.ts';
import { bodyHtml, bodyLines, type RenderedEmail } from './render-reply.ts';

export interface TranscriptEmail {
  lang: EmailLang;
  siteName: string;
  color: string;
  /** What the visitor sees of the conversation, oldest first. */
  messages: Message[];
  /** More messages came before these. */
  cut: boolean;
  continueUrl: string;
  unsubscribeUrl: string;
  timeZone?: string;
}

export function renderTranscriptEmail(email: TranscriptEmail): RenderedEmail {
  const w = emailWords(email.lang);
  // Its own subject, never "Re:": a transcript is a document the visitor asked for, not the next reply.
  const subject = w.transcriptSubject(email.siteName);
  const when = (at: number) => formatWhen(at, email.lang, email.timeZone);
  const author = (message: Message) => (message.author === 'visitor' ? w.you : message.agent?.name ?? w.team);
  const cut = email.cut ? w.transcriptCut(email.messages.length) : null;

  const text = [
    w.transcriptIntro(email.siteName),
    ...(cut ? ['', cut] : []),
    '',
    ...email.messages.flatMap((message) => message.author === 'system'
      ? [`— ${w.system(message.system?.kind ?? 'joined', message.system?.agentName ?? null)} (${when(message.createdAt)})`, '']
      : [`${author(message)} · ${when(message.createdAt)}`, ...bodyLines(message, w.file), '']),
    `${w.continue}: ${email.continueUrl}`,
    '',
    '--',
    w.why(email.siteName),
    `${w.unsubscribe}: ${email.unsubscribeUrl}`,
  ].join('\n');

  const rows = email.messages.map((message) => {
    if (message.author === 'system') {
      const line = w.system(message.system?.kind ?? 'joined', message.system?.agentName ?? null);
      return `<p style="margin:14px 0;color:#6b7280;font-size:13px;text-align:center;">${escapeHtml(line)} · ${escapeHtml(when(message.createdAt))}</p>`;
    }
    const mine = message.author === 'visitor';
    return `<div style="margin:14px 0 0;${mine ? 'text-align:right;' : ''}"><span style="color:#6b7280;font-size:13px;"><strong style="color:#111827;">${escapeHtml(author(message))}</strong> · ${escapeHtml(when(message.createdAt))}</span></div>
<div style="margin:4px 0 0;${mine ? 'margin-left:15%;' : 'margin-right:15%;'}padding:10px 14px;border-radius:12px;text-align:left;background:${mine ? '#eef2ff' : '#f3f4f6'};">${bodyHtml(message, w.file)}</div>`;
  }).join('\n');

  const html = layoutHtml({
    lang: email.lang === 'zh' ? 'zh-CN' : 'en',
    title: subject,
    preheader: w.transcriptIntro(email.siteName),
    heading: email.siteName,
    color: email.color,
    body: `<h1 style="margin:0 0 4px;font-size:20px;line-height:1.3;">${escapeHtml(w.transcriptSubject(email.siteName))}</h1>
<p style="margin:0;color:#374151;">${escapeHtml(w.transcriptIntro(email.siteName))}</p>
${cut ? `<p style="margin:8px 0 0;color:#6b7280;font-size:13px;">${escapeHtml(cut)}</p>` : ''}
${rows}
${buttonHtml(w.continue, email.continueUrl, email.color)}`,
    footer: `${escapeHtml(w.why(email.siteName))}<br><a href="${escapeHtml(email.unsubscribeUrl)}" style="color:#6b7280;">${escapeHtml(w.unsubscribe)}</a>`,
  });
  return { subject, text, html };
}
