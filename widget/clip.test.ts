import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clip } from './clip.ts';

describe('clip', () => {
  it('keeps text within the limit as it is', () => {
    assert.equal(clip('hello 😀', 4000), 'hello 😀');
  });

  it('never splits an emoji at the limit, so no lone surrogate is left', () => {
    assert.equal(clip(`${'a'.repeat(3999)}😀😀`, 4000), `${'a'.repeat(3999)}😀`);
    assert.equal(clip('😀😀', 1), '😀');
  });

  it('cuts plain text to exactly the limit', () => {
    assert.equal(clip('abcdef', 4), 'abcd');
  });
});
