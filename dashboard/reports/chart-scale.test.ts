import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countTicks, durationTicks, labelEvery, shortDuration } from './chart-scale.ts';

describe('report chart axes', () => {
  it('rounds counts up to steps of 1, 2 or 5 times a power of ten', () => {
    assert.deepEqual(countTicks(7), [0, 2, 4, 6, 8]);
    assert.deepEqual(countTicks(38), [0, 10, 20, 30, 40]);
    assert.deepEqual(countTicks(100), [0, 50, 100]);
    assert.deepEqual(countTicks(0), [0, 1], 'an empty chart still has an axis');
    assert.deepEqual(countTicks(1), [0, 0.5, 1]);
  });

  it('steps durations the way a clock does, with short labels', () => {
    assert.deepEqual(durationTicks(14 * 60_000), [0, 5 * 60_000, 10 * 60_000, 15 * 60_000]);
    assert.deepEqual(durationTicks(50_000).map(shortDuration), ['0', '30 s', '1 min']);
    assert.deepEqual(durationTicks(5 * 3_600_000).map(shortDuration), ['0', '2 h', '4 h', '6 h']);
    assert.equal(shortDuration(36 * 3_600_000), '1.5 d');
  });

  it('labels at most so many days, always the last', () => {
    const shown = labelEvery(30, 8);
    const labelled = Array.from({ length: 30 }, (_, i) => i).filter(shown);
    assert.ok(labelled.length <= 8);
    assert.equal(labelled.at(-1), 29);
    assert.deepEqual(Array.from({ length: 5 }, (_, i) => i).filter(labelEvery(5, 8)), [0, 1, 2, 3, 4]);
  });
});
