/**
 * The widget's words, one chunk per language (this one, English, and zh.ts), each loaded only for
 * the visitors who read it: panel.tsx imports the one the locale needs. English serves every
 * locale but Chinese. The optional forms (prechat.tsx, away.tsx) carry their own words.
 */
export const en = {
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
};
export type Strings = typeof en;
