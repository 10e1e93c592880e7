import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dayBounds, parseDate, todayIn, validTimeZone } from './report-days.ts';

const HOUR = 3_600_000;

describe('report days', () => {
  it('starts each day at local midnight in the owner\'s time zone', () => {
    const { dates, bounds } = dayBounds('2025-01-14', '2025-01-15', 'Asia/Shanghai');
    assert.deepEqual(dates, ['2025-01-14', '2025-01-15']);
    // UTC+8: local midnight is 16:00 UTC the day before.
    assert.deepEqual(bounds.map((b) => new Date(b).toISOString()), ['2025-01-13T16:00:00.000Z', '2025-01-14T16:00:00.000Z', '2025-01-15T16:00:00.000Z']);
  });

  it('makes the days the clocks change 23 and 25 hours long', () => {
    const spring = dayBounds('2025-03-29', '2025-03-31', 'Europe/Paris');
    assert.deepEqual(spring.bounds.slice(1).map((b, i) => (b - spring.bounds[i]!) / HOUR), [24, 23, 24]);
    assert.equal(new Date(spring.bounds[0]!).toISOString(), '2025-03-28T23:00:00.000Z');
    assert.equal(new Date(spring.bounds[3]!).toISOString(), '2025-03-31T22:00:00.000Z');
    const autumn = dayBounds('2025-11-02', '2025-11-02', 'America/New_York');
    assert.equal((autumn.bounds[1]! - autumn.bounds[0]!) / HOUR, 25);
  });

  it('names only real dates and zones', () => {
    assert.equal(parseDate('2025-02-29'), null);
    assert.equal(parseDate('2024-02-29'), Date.UTC(2024, 1, 29));
    assert.equal(parseDate('2025-1-5'), null);
    assert.equal(validTimeZone('Europe/Paris'), true);
    assert.equal(validTimeZone('Mars/Olympus'), false);
    assert.equal(todayIn('Pacific/Auckland', Date.UTC(2025, 0, 1, 12)), '2025-01-02');
  });
});
