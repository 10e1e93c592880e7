import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickAgent, type Member } from './assignment-pick.ts';

const member = (id: string, load = 0, capacity: number | null = null): Member => ({ id, name: id.toUpperCase(), avatarUrl: null, load, capacity });
const everyone = new Set(['a', 'b', 'c']);

describe('the assignment rule', () => {
  it('round-robin gives each online agent one in turn, starting after the last one picked', () => {
    const members = [member('a'), member('b'), member('c')];
    assert.equal(pickAgent('round-robin', members, everyone, null)?.id, 'a');
    assert.equal(pickAgent('round-robin', members, everyone, 'a')?.id, 'b');
    assert.equal(pickAgent('round-robin', members, everyone, 'c')?.id, 'a');
    // Someone who left the site since: the turn starts from the first.
    assert.equal(pickAgent('round-robin', members, everyone, 'gone')?.id, 'a');
  });

  it('skips agents who are away and agents at capacity, and finds nobody when all are', () => {
    const members = [member('a', 2, 2), member('b', 0), member('c', 1, 3)];
    assert.equal(pickAgent('round-robin', members, new Set(['a', 'c']), null)?.id, 'c');
    assert.equal(pickAgent('round-robin', members, new Set(['a']), null), null);
    assert.equal(pickAgent('least-load', [member('a', 1, 1), member('b', 3, 3)], everyone, null), null);
    assert.equal(pickAgent('round-robin', [], everyone, null), null);
  });

  it('least-load picks the fewest open conversations, and equals in turn', () => {
    const members = [member('a', 3), member('b', 1), member('c', 1)];
    assert.equal(pickAgent('least-load', members, everyone, null)?.id, 'b');
    assert.equal(pickAgent('least-load', members, everyone, 'b')?.id, 'c');
    assert.equal(pickAgent('least-load', members, new Set(['a']), 'b')?.id, 'a');
  });
});
