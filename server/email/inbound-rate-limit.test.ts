import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../test/support/manual-clock.ts';
import { createSenderLimit } from './inbound-rate-limit.ts';

describe('createSenderLimit', () => {
  it('lets a sender send its hourly budget, refuses more until the hour is over, and counts each sender apart', () => {
    const clock = createManualClock();
    const limit = createSenderLimit(clock, 2);
    assert.deepEqual([limit.take('ann@example.com'), limit.take('ANN@example.com')], [{ ok: true }, { ok: true }]);
    clock.advance(10 * 60_000);
    assert.deepEqual(limit.take('ann@example.com'), { ok: false, retryAfterMs: 50 * 60_000 });
    assert.deepEqual(limit.take('ben@example.com'), { ok: true });
    clock.advance(50 * 60_000);
    assert.deepEqual(limit.take('ann@example.com'), { ok: true });
  });
});
