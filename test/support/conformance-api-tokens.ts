/**
 * API tokens (issue 15), for every engine: a token is found by its hash alone, with its creator's
 * name; revoking keeps the row (so a revoked token is told so) and happens once; a use is recorded
 * at most once per period however many callers touch it at once; the installation's limit holds
 * even for owners creating at the same moment.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from '../../protocol/protocol.ts';
import { RefusedError } from '../../server/store/store.ts';
import { seedStore, type OpenStore } from './store-seed.ts';

async function seededWithOwner(open: OpenStore) {
  // Each read of the clock a millisecond later, so "newest first" has one answer on every engine.
  let now = 1_000_000;
  const seeded = await seedStore(open, { now: () => now++ });
  const owner = await seeded.store.createUser({ email: 'olivia@shop.test', name: 'Olivia', role: 'owner', passwordHash: 'x', siteIds: [] });
  const newToken = (name: string, extra: Partial<{ siteIds: string[] | null; scope: 'read-only' | 'read-write'; tokenHash: string }> = {}) =>
    seeded.store.createApiToken({ name, scope: 'read-only', siteIds: null, hint: 'abcd', tokenHash: `hash-${name}`, createdBy: owner.id, ...extra });
  return { ...seeded, owner, newToken };
}

export function apiTokenConformance(name: string, open: OpenStore): void {
  describe(`${name} store: API tokens`, () => {
    it('finds a token by its hash alone, with its sites, scope and creator, and lists every token newest first', async () => {
      const { store, site, other, owner, newToken } = await seededWithOwner(open);
      const everywhere = await newToken('CRM');
      const limited = await newToken('  Billing  ', { siteIds: [site.id, other.id], scope: 'read-write' });
      assert.match(everywhere.id, /^tok_/);
      assert.deepEqual({ ...limited, id: undefined, createdAt: undefined }, {
        id: undefined, createdAt: undefined, name: 'Billing', scope: 'read-write', siteIds: [site.id, other.id], hint: 'abcd',
        createdBy: { id: owner.id, name: 'Olivia' }, lastUsedAt: null, revokedAt: null, tokenHash: 'hash-  Billing  ',
      });
      assert.equal(everywhere.siteIds, null, 'null: every site, including later ones');
      assert.deepEqual(await store.findApiToken('hash-CRM'), everywhere);
      assert.equal(await store.findApiToken('hash-unknown'), null);
      assert.ok(limited.createdAt > everywhere.createdAt);
      assert.deepEqual((await store.listApiTokens()).map((t) => t.id), [limited.id, everywhere.id], 'newest first');
      await store.close();
    });

    it('revokes once and keeps the revoked token findable, so it can be refused as revoked', async () => {
      const { store, newToken } = await seededWithOwner(open);
      const token = await newToken('CRM');
      const revoked = await store.revokeApiToken(token.id, 5000);
      assert.equal(revoked!.revokedAt, 5000);
      assert.equal((await store.revokeApiToken(token.id, 9000))!.revokedAt, 5000, 'a second revocation changes nothing');
      assert.equal((await store.findApiToken(token.tokenHash))!.revokedAt, 5000);
      assert.equal(await store.revokeApiToken('tok_unknown', 5000), null);
      await store.close();
    });

    it('records a use at most once per period, however many requests touch the token at once', async () => {
      const { store, newToken } = await seededWithOwner(open);
      const token = await newToken('CRM');
      const minute = 60_000;
      const at = 10 * minute;
      const first = await Promise.all([1, 2, 3, 4].map(() => store.touchApiToken(token.id, at, at - minute)));
      assert.deepEqual(first.filter(Boolean).length, 1, 'one of four concurrent touches writes');
      assert.equal((await store.findApiToken(token.tokenHash))!.lastUsedAt, at);
      assert.equal(await store.touchApiToken(token.id, at + minute - 1, at - 1), false, 'within the period: nothing written');
      assert.equal((await store.findApiToken(token.tokenHash))!.lastUsedAt, at);
      assert.equal(await store.touchApiToken(token.id, at + minute, at), true, 'a period later: written');
      assert.equal((await store.findApiToken(token.tokenHash))!.lastUsedAt, at + minute);
      await store.close();
    });

    it(`refuses token ${LIMITS.apiTokensMax + 1} while ${LIMITS.apiTokensMax} work, even when two are created at once, and counts revoked ones out`, async () => {
      const { store, newToken } = await seededWithOwner(open);
      const made = [];
      for (let i = 0; i < LIMITS.apiTokensMax - 1; i++) made.push(await newToken(`t${i}`));
      const racing = await Promise.allSettled([newToken('race-a'), newToken('race-b')]);
      assert.equal(racing.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one of two at the limit is made');
      const refused = racing.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.ok(refused.reason instanceof RefusedError && refused.reason.reason === 'limit', String(refused.reason));
      assert.equal((await store.listApiTokens()).length, LIMITS.apiTokensMax);
      await store.revokeApiToken(made[0]!.id, 1);
      assert.equal((await newToken('after-revoking')).name, 'after-revoking');
      await store.close();
    });
  });
}
