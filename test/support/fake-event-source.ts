/**
 * A scriptable EventSource for the client's unit tests: every instance is recorded (`all`, `last`),
 * and the test fires its events by hand — open, error, or any named event with JSON data.
 */
export class FakeEventSource {
  static all: FakeEventSource[] = [];
  static get last(): FakeEventSource { return FakeEventSource.all[FakeEventSource.all.length - 1]!; }
  url: string;
  closed = false;
  listeners = new Map<string, Array<(event: MessageEvent) => void>>();
  constructor(url: string) {
    this.url = url;
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() { this.closed = true; }
  fire(type: string, data?: unknown, lastEventId = '') {
    const event = { data: data === undefined ? undefined : JSON.stringify(data), lastEventId } as MessageEvent;
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
  open() { this.fire('open'); }
  fail() { this.fire('error'); }
}
