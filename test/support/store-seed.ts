/**
 * A fresh store with what most conformance cases start from: two sites, two agents of the first,
 * a visitor and their waiting conversation. Shared by the capability suites beside this file.
 */
import type { AgentRef } from '../../protocol/protocol.ts';
import { defaultWidgetConfig } from '../../server/site-defaults.ts';
import type { Store } from '../../server/store/store.ts';

/** A fresh, empty store; `now`, when given, is the store's clock. */
export type OpenStore = (options?: { now?: () => number }) => Promise<Store>;

export async function seedStore(open: OpenStore, options: { now?: () => number } = {}) {
  const store = await open(options);
  await store.migrate();
  const site = await store.createSite({ name: 'Shop', allowedOrigins: ['https://shop.test'], widget: defaultWidgetConfig('Shop'), secret: 'secret' });
  const other = await store.createSite({ name: 'Other', allowedOrigins: [], widget: defaultWidgetConfig('Other'), secret: 'secret2' });
  const alice = await store.createUser({ email: 'Alice@Shop.test', name: 'Alice', role: 'agent', passwordHash: 'x', siteIds: [site.id] });
  const bob = await store.createUser({ email: 'bob@shop.test', name: 'Bob', role: 'agent', passwordHash: 'x', siteIds: [site.id] });
  const visitor = await store.createVisitor({ siteId: site.id, tokenHash: 'hash-1', context: { url: 'https://shop.test/' } });
  const { value: conversation } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'conv-1' });
  const ref = (user: { id: string; name: string }): AgentRef => ({ id: user.id, name: user.name, avatarUrl: null });
  return { store, site, other, alice: ref(alice), bob: ref(bob), visitor, conversation };
}
