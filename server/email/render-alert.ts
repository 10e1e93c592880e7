/**
 * The email an agent gets when a new conversation has waited unanswered and nobody was online
 * (issue 12): who is waiting, what they wrote, and the link to the conversation in the dashboard.
 * In English, like the dashboard. Pure, and everything escaped.
 */
import { formatWhen } from './email-words.ts';
import { buttonHtml, escapeHtml, layoutHtml, textHtml } from './html.ts';
import type { RenderedEmail } from './render-reply.ts';

export interface AlertEmail {
  siteName: string;
  color: string;
  visitor: { name: string | null; email: string | null };
  /** What the visitor wrote so far, oldest first. */
  wrote: Array<{ body: string; createdAt: number }>;
  waitedMinutes: number;
  dashboardUrl: string;
  accountUrl: string;
  unsubscribeUrl: string;
}

export function renderAlertEmail(email: AlertEmail): RenderedEmail {
  const who = email.visitor.name ?? email.visitor.email ?? 'A visitor';
  const contact = email.visitor.name && email.visitor.email ? ` (${email.visitor.email})` : '';
  const headline = `${who} has waited ${email.waitedMinutes} minute${email.waitedMinutes === 1 ? '' : 's'} for an answer`;
  const subject = `Waiting on ${email.siteName}: ${who}`;
  const why = `You get this because you work on ${email.siteName} and no agent was online to answer.`;
  const off = 'Turn these emails off on your Account page';

  const text = [
    `${headline}${contact}.`,
    '',
    ...email.wrote.flatMap((m) => [formatWhen(m.createdAt, 'en'), m.body, '']),
    `Answer in Parley: ${email.dashboardUrl}`,
    '',
    '--',
    why,
    `${off}: ${email.accountUrl}`,
    `Unsubscribe: ${email.unsubscribeUrl}`,
  ].join('\n');

  const html = layoutHtml({
    lang: 'en',
    title: subject,
    preheader: email.wrote.at(-1)?.body.slice(0, 120) ?? headline,
    heading: `${email.siteName} · Parley`,
    color: email.color,
    body: `<h1 style="margin:0 0 4px;font-size:20px;line-height:1.3;">${escapeHtml(headline)}</h1>
${contact ? `<p style="margin:0;color:#6b7280;">${escapeHtml(email.visitor.email!)}</p>` : ''}
${email.wrote.map((m) => `<div style="margin:14px 0 0;color:#6b7280;font-size:13px;">${escapeHtml(formatWhen(m.createdAt, 'en'))}</div>
<div style="margin:4px 15% 0 0;padding:10px 14px;background:#f3f4f6;border-radius:12px;">${textHtml(m.body)}</div>`).join('\n')}
${buttonHtml('Answer in Parley', email.dashboardUrl, email.color)}`,
    footer: `${escapeHtml(why)}<br><a href="${escapeHtml(email.accountUrl)}" style="color:#6b7280;">${escapeHtml(off)}</a> · <a href="${escapeHtml(email.unsubscribeUrl)}" style="color:#6b7280;">Unsubscribe</a>`,
  });
  return { subject, text, html };
}
