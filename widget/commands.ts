/**
 * The public API's method list and its event names: one place, locked by test/widget-embedding.test.ts.
 * Documented in docs/widget.md. Adding a method is a change to this list first.
 */
export const METHODS = ['open', 'close', 'toggle', 'show', 'hide', 'identify', 'setAttributes', 'setLocale', 'on', 'off', 'shutdown'] as const;
export type Method = (typeof METHODS)[number];

export const EVENTS = ['ready', 'open', 'close', 'message', 'sent', 'unread'] as const;
export type WidgetEvent = (typeof EVENTS)[number];
