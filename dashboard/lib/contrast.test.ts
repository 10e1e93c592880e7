import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contrastRatio, MIN_TEXT_CONTRAST } from './contrast.ts';

test('measures black on white as 21:1 and a colour against itself as 1:1', () => {
  assert.equal(contrastRatio('#000000', '#ffffff').toFixed(2), '21.00');
  assert.equal(contrastRatio('#4f46e5', '#4f46e5'), 1);
});

test('flags light primary colours that white text cannot be read on, and passes dark ones', () => {
  assert.ok(contrastRatio('#ffeb3b', '#ffffff') < MIN_TEXT_CONTRAST, 'yellow');
  assert.ok(contrastRatio('#77aaff', '#ffffff') < MIN_TEXT_CONTRAST, 'light blue');
  assert.ok(contrastRatio('#4f46e5', '#ffffff') >= MIN_TEXT_CONTRAST, 'the default indigo');
  assert.ok(contrastRatio('#0f766e', '#ffffff') >= MIN_TEXT_CONTRAST, 'teal');
  // #767676 is the classic lightest grey that passes on white (4.54:1).
  assert.ok(contrastRatio('#767676', '#ffffff') >= MIN_TEXT_CONTRAST);
  assert.ok(contrastRatio('#777777', '#ffffff') < MIN_TEXT_CONTRAST);
});

test('answers NaN for something that is not #rrggbb', () => {
  assert.ok(Number.isNaN(contrastRatio('blue', '#ffffff')));
});
