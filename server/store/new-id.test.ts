import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from './rows.ts';

describe('newId', () => {
  it('gives distinct, URL-safe ids of 16 characters after the prefix, across refills of its random pool', () => {
    const ids = Array.from({ length: 2000 }, () => newId('m'));
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^m_[A-Za-z0-9_-]{16}$/);
  });
});
