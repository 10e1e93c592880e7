import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, localTimeIn } from './format.ts';

describe('formatDuration', () => {
  it('counts seconds, minutes, hours and days', () => {
    assert.equal(formatDuration(45_000), '45 s');
    assert.equal(formatDuration(3 * 60_000 + 5_000), '3 min');
    assert.equal(formatDuration(125 * 60_000), '2 h 5 min');
    assert.equal(formatDuration(50 * 3600_000), '2 d');
  });
  it('never shows a negative wait when clocks disagree', () => {
    assert.equal(formatDuration(-5000), '0 s');
  });
});

describe('localTimeIn', () => {
  it('names the zone and tolerates an invalid one', () => {
    assert.match(localTimeIn('Europe/Paris', Date.UTC(2024, 0, 1, 12, 0)) ?? '', /(13|01).00.*\(Europe\/Paris\)/);
    assert.equal(localTimeIn('Not/AZone', 0), null);
  });
});
