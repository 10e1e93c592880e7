import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Visitor } from '../../protocol/protocol.ts';
import { mergedVisitor, mergeRefusal, nameKey, pageOf } from './inbox-rows.ts';

const visitor = (over: Partial<Visitor>): Visitor => ({
  id: 'v_a', siteId: 's_1', name: null, email: null, externalId: null, verified: false, attributes: {}, context: {},
  visits: 1, createdAt: 1000, lastSeenAt: 2000, ...over,
});

describe('team inbox rules', () => {
  it('treats names that differ in case or surrounding space as one name', () => {
    assert.equal(nameKey('  Refund '), nameKey('REFUND'));
    assert.notEqual(nameKey('Refund'), nameKey('Refunds'));
  });

  it('lists a page by origin and path, never its query string or fragment', () => {
    assert.deepEqual(pageOf({ url: 'https://shop.test/cart?token=secret#pay', title: ' Cart ' }), { url: 'https://shop.test/cart', title: 'Cart' });
    assert.deepEqual(pageOf({ url: 'https://shop.test/' }), { url: 'https://shop.test/', title: null });
    assert.equal(pageOf({ url: 'javascript:alert(1)' }), null);
    assert.equal(pageOf({ url: 'not a url' }), null);
    assert.equal(pageOf({}), null);
  });

  it('keeps what the staying visitor knows and fills only its gaps from the other', () => {
    const into = visitor({ name: 'Ann', attributes: { plan: 'pro' }, context: { url: 'https://a/', language: 'en' }, visits: 3, createdAt: 5000, lastSeenAt: 6000 });
    const from = visitor({ id: 'v_b', name: 'Someone', email: 'ann@x.test', externalId: 'u1', verified: true, attributes: { plan: 'free', city: 'Oslo' },
      context: { url: 'https://b/', timeZone: 'Europe/Oslo' }, visits: 2, createdAt: 1000, lastSeenAt: 9000 });
    assert.deepEqual(mergedVisitor(into, from), {
      ...into, email: 'ann@x.test', externalId: 'u1', verified: true, attributes: { plan: 'pro', city: 'Oslo' },
      // The page context is the one seen last (the other visitor's, here), over the older one.
      context: { url: 'https://b/', language: 'en', timeZone: 'Europe/Oslo' }, visits: 5, createdAt: 1000, lastSeenAt: 9000,
    });
  });

  it('refuses visitors of two sites, and two verified identities, but not one identity twice', () => {
    assert.equal(mergeRefusal(visitor({}), visitor({ id: 'v_b', siteId: 's_2' }))?.reason, 'other-site');
    assert.equal(mergeRefusal(visitor({ verified: true, externalId: 'u1' }), visitor({ id: 'v_b', verified: true, externalId: 'u2' }))?.reason, 'identities-differ');
    assert.equal(mergeRefusal(visitor({ verified: true, externalId: 'u1' }), visitor({ id: 'v_b', verified: true, externalId: 'u1' })), null);
    assert.equal(mergeRefusal(visitor({ verified: true, externalId: 'u1' }), visitor({ id: 'v_b' })), null);
  });
});
