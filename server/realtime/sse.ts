/**
 * Server-Sent Events framing, and nothing else: one function turns a frame into the exact bytes
 * on the wire (https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream).
 *
 * No field value can break out of its frame: data is split into one `data:` line per line, and
 * `id:`/`event:` values, which the spec gives a single line, lose any CR, LF or NUL (an `id`
 * containing NUL would be ignored by browsers, which would silently stall resume).
 */
export interface SseFrame {
  id?: string;
  event?: string;
  /** A string is sent as is (split on line breaks); anything else as JSON. */
  data?: unknown;
  /** Reconnection delay hint for EventSource, in ms. */
  retry?: number;
}

const singleLine = (value: string) => value.replace(/[\r\n\0]/g, '');

export function formatSse(frame: SseFrame): string {
  let out = '';
  if (frame.retry !== undefined) out += `retry: ${Math.max(0, Math.floor(frame.retry))}\n`;
  if (frame.id !== undefined) out += `id: ${singleLine(frame.id)}\n`;
  if (frame.event !== undefined) out += `event: ${singleLine(frame.event)}\n`;
  if (frame.data !== undefined) {
    const text = typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data);
    for (const line of text.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  }
  return `${out}\n`;
}

/** A comment line: ignored by clients, keeps proxies and idle timers from closing the stream. */
export function formatSseComment(text = ''): string {
  return `: ${singleLine(text)}\n\n`;
}

/**
 * The heartbeat: a comment (what proxies and the protocol expect) and, in the same frame, an `hb`
 * event without an id. EventSource hides comments from JavaScript, so the event is what lets a
 * client notice a stalled stream; having no id, it never moves the resume cursor.
 */
export const SSE_HEARTBEAT = ': hb\nevent: hb\ndata: 1\n\n';
