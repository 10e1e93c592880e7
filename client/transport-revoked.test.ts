/**
 * A revoked stream (the server's `goodbye` 'revoked'): the owner hears it before the status says
 * 'offline', so the widget can tell its other tabs that a deleted visitor is no outage before the
 * session relays that status to them (issue 14).
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { FakeEventSource } from '../test/support/fake-event-source.ts';
import { createManualClock } from '../test/support/manual-clock.ts';
import { settle } from '../test/support/settle.ts';
import { createTransport } from './transport.ts';

describe('transport when its stream is revoked', () => {
  beforeEach(() => void (FakeEventSource.all = []));

  it('calls onRevoked while the status still says live, then says offline and stays stopped', async () => {
    const clock = createManualClock();
    const seen: string[] = [];
    const transport = createTransport({
      streamUrl: () => 'https://chat.test/stream',
      pollUrl: 'https://chat.test/events',
      cursor: 'e:1',
      onEvent: () => {},
      onRevoked: () => seen.push(`revoked while ${transport.status.value}`),
      deps: {
        EventSource: FakeEventSource as any, fetch: (() => new Promise(() => {})) as any, setTimeout: clock.setTimeout,
        clearTimeout: clock.clearTimeout, random: () => 0.5, now: clock.now, online: () => true, onOnline: () => () => {},
      },
    });
    transport.status.subscribe((status) => seen.push(status));
    transport.start();
    await settle();
    FakeEventSource.last.open();
    FakeEventSource.last.fire('goodbye', { reason: 'revoked', retryMs: 0 });
    await clock.advanceAsync(60_000);
    assert.deepEqual(seen, ['connecting', 'live', 'revoked while live', 'offline']);
    assert.equal(FakeEventSource.all.length, 1, 'no new stream after a revocation');
  });
});
