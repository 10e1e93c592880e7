/**
 * The widget's words, one chunk per language (this one, English, and zh.ts), each loaded only for
 * the visitors who read it: panel.tsx imports the one the locale needs. English serves every
 * locale but Chinese. The optional parts (prechat.tsx, away.tsx, signin.ts) carry their own words.
 * `offline` says the same whether the browser or only the server is unreachable: either way the
 * team cannot be reached, and the outbox keeps what is written (issue 14: not "away").
 */
import type { SystemKind } from '../protocol/protocol.ts';

export const en = {
  close: 'Close chat',
  online: 'We usually reply in a few minutes',
  away: 'Away — we’ll answer when we’re back',
  placeholder: 'Write a message…',
  message: 'Messages',
  send: 'Send',
  attach: 'Attach files',
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
  offline: 'Can’t reach us right now. Your message will be sent when the connection returns.',
};
/**
 * `sys`: system lines ("% joined", `%` = the agent's name). English leaves it out: the server
 * already words each system message in English (its body), so English visitors load no copy.
 */
export type Strings = typeof en & { sys?: Record<SystemKind, string> };
