import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpen } from './business-hours.ts';

const weekdays = (from: string, to: string) => [[], [[from, to]], [[from, to]], [[from, to]], [[from, to]], [[from, to]], []] as Array<Array<[string, string]>>;

test('is open inside the hours of the site\'s own time zone and closed outside them', () => {
  const hours = { timeZone: 'Europe/Oslo', days: weekdays('09:00', '17:00') };
  // Wednesday 2026-11-25: Oslo is UTC+1 in November.
  assert.equal(isOpen(hours, new Date('2026-11-25T08:00:00Z')), true, '09:00 in Oslo');
  assert.equal(isOpen(hours, new Date('2026-11-25T07:59:00Z')), false, '08:59 in Oslo');
  assert.equal(isOpen(hours, new Date('2026-11-25T16:00:00Z')), false, '17:00 in Oslo is closing time');
  assert.equal(isOpen(hours, new Date('2026-11-28T12:00:00Z')), false, 'Saturday');
});

test('uses the weekday in the site\'s time zone, not the server\'s', () => {
  const hours = { timeZone: 'Pacific/Auckland', days: weekdays('09:00', '17:00') };
  // Sunday 22:00 UTC is Monday 11:00 in Auckland (UTC+13 in November).
  assert.equal(isOpen(hours, new Date('2026-11-22T22:00:00Z')), true);
});

test('is always open without hours, and with a time zone it does not know', () => {
  assert.equal(isOpen(null), true);
  assert.equal(isOpen({ timeZone: 'Mars/Olympus', days: weekdays('09:00', '10:00') }), true);
});
