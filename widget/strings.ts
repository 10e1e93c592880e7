/** The widget's words in each language; English is the fallback for anything missing. */
const en = {
  close: 'Close chat',
  online: 'We usually reply in a few minutes',
  away: 'We’ll reply by email',
  placeholder: 'Write a message…',
  message: 'Message',
  send: 'Send',
  sending: 'Sending…',
  sent: 'Sent',
  seen: 'Seen',
  failed: 'Not sent.',
  retry: 'Retry',
  typing: 'is typing…',
  someone: 'Someone',
  today: 'Today',
  yesterday: 'Yesterday',
  connecting: 'Connecting…',
  offline: 'You are offline. Messages will be sent when the connection returns.',
  emailAsk: 'Leave your email so we can reply:',
  emailSave: 'Save',
  emailSaved: 'Thanks! We will reply to',
  intro: 'Before we start, tell us who you are.',
  name: 'Name',
  email: 'Email',
  start: 'Start chat',
};
export type Strings = typeof en;

const zh: Strings = {
  close: '关闭聊天',
  online: '我们通常在几分钟内回复',
  away: '我们会通过邮件回复您',
  placeholder: '输入消息…',
  message: '消息',
  send: '发送',
  sending: '发送中…',
  sent: '已发送',
  seen: '已读',
  failed: '未发送。',
  retry: '重试',
  typing: '正在输入…',
  someone: '客服',
  today: '今天',
  yesterday: '昨天',
  connecting: '连接中…',
  offline: '您已离线。恢复连接后将自动发送消息。',
  emailAsk: '留下您的邮箱，我们会回复您：',
  emailSave: '保存',
  emailSaved: '谢谢！我们会回复至',
  intro: '开始之前，请告诉我们您是谁。',
  name: '姓名',
  email: '邮箱',
  start: '开始聊天',
};

/** Picks the strings for a locale like "zh-CN", "zh-Hans-SG" or "en-GB". */
export function strings(locale: string): Strings {
  return /^zh\b/i.test(locale) ? zh : en;
}

export function isRtl(locale: string): boolean {
  return /^(ar|he|fa|ur)\b/i.test(locale);
}
