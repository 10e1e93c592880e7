/**
 * The widget's words, one chunk per language (this one, English, and zh.ts), each loaded only for
 * the visitors who read it: panel.tsx imports the one the locale needs. English serves every
 * locale but Chinese. The optional forms (prechat.tsx, away.tsx) carry their own words.
 */
import type { SystemKind } from '../protocol/protocol.ts';

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
/**
 * `sys`: system lines ("% joined", `%` = the agent's name). English leaves it out: the server
 * already words each system message in English (its body), so English visitors load no copy.
 */
export type Strings = typeof en & { sys?: Record<SystemKind, string> };
