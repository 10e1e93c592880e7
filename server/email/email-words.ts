/**
 * The words of Parley's emails and email pages, in English and Simplified Chinese, chosen like the
 * widget chooses its own (widget/locale.ts): the site's locale, else the visitor's browser. Agents'
 * alerts are in English, like the dashboard. Placeholders are functions, never string templates
 * filled later, so a name can never be read as markup (everything is escaped where it is used).
 */
import type { Site, SystemKind, Visitor } from '../../protocol/protocol.ts';

export type EmailLang = 'en' | 'zh';

export function emailLang(site: Pick<Site, 'widget'>, visitor: Pick<Visitor, 'context'> | null): EmailLang {
  const tag = site.widget.locale ?? visitor?.context.language ?? 'en';
  return /^zh\b/i.test(tag) ? 'zh' : 'en';
}

export interface EmailWords {
  subject: (site: string) => string;
  replied: (agent: string) => string;
  repliedMany: (site: string) => string;
  continue: string;
  replyHint: string;
  linkOnlyHint: string;
  you: string;
  team: string;
  transcriptSubject: (site: string) => string;
  transcriptIntro: (site: string) => string;
  transcriptCut: (shown: number) => string;
  why: (site: string) => string;
  unsubscribe: string;
  unsubscribeTitle: string;
  unsubscribeAsk: (site: string, address: string) => string;
  unsubscribeButton: string;
  unsubscribed: (site: string, address: string) => string;
  linkInvalid: string;
  conversationTitle: (site: string) => string;
  conversationHint: string;
  system: (kind: SystemKind, agent: string | null) => string;
  /** A file sent with a message: emails name it, the conversation has it. */
  file: (name: string) => string;
}

const EN: EmailWords = {
  subject: (site) => `Your conversation with ${site}`,
  replied: (agent) => `${agent} replied to your message`,
  repliedMany: (site) => `${site} replied to your message`,
  continue: 'Continue the conversation',
  replyHint: 'You can also simply reply to this email.',
  linkOnlyHint: 'Replies to this email are not read: answer through the button above.',
  you: 'You',
  team: 'Team',
  transcriptSubject: (site) => `Transcript of your conversation with ${site}`,
  transcriptIntro: (site) => `Here is your conversation with ${site}, as you asked.`,
  transcriptCut: (shown) => `Only the last ${shown} messages are shown.`,
  why: (site) => `You get this email because you asked ${site} a question in their chat.`,
  unsubscribe: 'Unsubscribe',
  unsubscribeTitle: 'Unsubscribe',
  unsubscribeAsk: (site, address) => `Stop emails from ${site} to ${address}?`,
  unsubscribeButton: 'Unsubscribe',
  unsubscribed: (site, address) => `Done: ${site} will not email ${address} again.`,
  linkInvalid: 'This link is not valid (it may be incomplete). Nothing was changed.',
  conversationTitle: (site) => `Your conversation with ${site}`,
  conversationHint: 'Your conversation opens in the chat window.',
  file: (name) => `📎 ${name} (open the conversation to see it)`,
  system: (kind, agent) => {
    const who = agent ?? 'An agent';
    return { joined: `${who} joined the conversation`, left: `${who} left the conversation`, transferred: `The conversation was passed to ${who}`,
      resolved: 'The conversation was marked as resolved', reopened: 'The conversation was reopened' }[kind];
  },
};

const ZH: EmailWords = {
  subject: (site) => `您与${site}的对话`,
  replied: (agent) => `${agent}回复了您的消息`,
  repliedMany: (site) => `${site}回复了您的消息`,
  continue: '继续对话',
  replyHint: '您也可以直接回复这封邮件。',
  linkOnlyHint: '回复这封邮件无人查看，请点击上方按钮继续对话。',
  you: '您',
  team: '客服',
  transcriptSubject: (site) => `您与${site}的对话记录`,
  transcriptIntro: (site) => `这是您与${site}的对话记录。`,
  transcriptCut: (shown) => `仅显示最近的 ${shown} 条消息。`,
  why: (site) => `您收到这封邮件，是因为您在${site}的在线客服中留言。`,
  unsubscribe: '退订',
  unsubscribeTitle: '退订邮件',
  unsubscribeAsk: (site, address) => `不再接收${site}发往 ${address} 的邮件？`,
  unsubscribeButton: '退订',
  unsubscribed: (site, address) => `已退订：${site}不会再给 ${address} 发邮件。`,
  linkInvalid: '此链接无效（可能不完整），未做任何更改。',
  conversationTitle: (site) => `您与${site}的对话`,
  conversationHint: '对话将在聊天窗口中打开。',
  file: (name) => `📎 ${name}（请在对话中查看）`,
  system: (kind, agent) => {
    const who = agent ?? '客服';
    return { joined: `${who}加入了对话`, left: `${who}离开了对话`, transferred: `对话已转给${who}`, resolved: '对话已标记为已解决', reopened: '对话已重新打开' }[kind];
  },
};

export const emailWords = (lang: EmailLang): EmailWords => (lang === 'zh' ? ZH : EN);

/** A message's time as the visitor reads it: their language, their time zone when known. */
export function formatWhen(at: number, lang: EmailLang, timeZone?: string): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
  try {
    return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { ...options, timeZone: timeZone || 'UTC' }).format(at);
  } catch {
    // A time zone the browser knew and this server does not.
    return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { ...options, timeZone: 'UTC' }).format(at);
  }
}
