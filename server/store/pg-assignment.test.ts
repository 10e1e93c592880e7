/**
 * Assignment on PostgreSQL with several processes (issue 14): two stores on one schema stand for
 * two Parley processes assigning at once. The round-robin turn and the capacities are the
 * database's, so they hold across processes and across a restart (a store opened afresh). Runs
 * only with TEST_DATABASE_URL; every schema made here is dropped afterwards.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pgSchemas } from '../../test/support/pg-schemas.ts';
import { defaultWidgetConfig } from '../site-defaults.ts';
import { createPgStore } from './pg-store.ts';
import type { Store } from './store.ts';

const url = process.env.TEST_DATABASE_URL;
if (url) pgAssignmentTests(url);

function pgAssignmentTests(url: string): void {
  const pg = pgSchemas(url);
  const open = (schema: string): Store => pg.closeAfter(createPgStore({ url, schema }));
  /** Two processes on a fresh schema, a site with two agents, and `n` waiting conversations. */
  async function twoProcesses(n: number) {
    const schema = pg.fresh();
    const a = open(schema);
    const b = open(schema);
    await a.migrate();
    await b.migrate();
    const site = await a.createSite({ name: 'Shop', allowedOrigins: [], widget: defaultWidgetConfig('Shop'), secret: 's' });
    const ann = await a.createUser({ email: 'ann@shop.test', name: 'Ann', role: 'agent', passwordHash: 'x', siteIds: [site.id] });
    const ben = await a.createUser({ email: 'ben@shop.test', name: 'Ben', role: 'agent', passwordHash: 'x', siteIds: [site.id] });
    const visitor = await a.createVisitor({ siteId: site.id, tokenHash: 'h', context: {} });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await a.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: `c${i}` })).value.id);
    return { schema, a, b, site, ids, online: [ann.id, ben.id] };
  }

  describe('PostgreSQL store: assignment across processes', () => {
    it('gives conversations assigned by two processes at once to different agents, and never beyond a capacity', async () => {
      const { a, b, site, ids, online } = await twoProcesses(6);
      await a.updateAssignmentSettings(site.id, { rule: 'round-robin' });
      const pair = await Promise.all([a.autoAssign(ids[0]!, online), b.autoAssign(ids[1]!, online)]);
      assert.deepEqual(pair.map((r) => r.value.assignee?.name).sort(), ['Ann', 'Ben']);

      await b.updateAssignmentSettings(site.id, { capacities: { [online[0]!]: 2, [online[1]!]: 2 } });
      // Four at once from both processes, two slots left: two assigned, two waiting, each agent at 2.
      const burst = await Promise.all(ids.slice(2).map((id, i) => (i % 2 ? a : b).autoAssign(id, online)));
      assert.deepEqual(burst.map((r) => r.outcome).sort(), ['assigned', 'assigned', 'nobody-free', 'nobody-free']);
      const open = await a.listConversations({ siteIds: [site.id], view: 'open', userId: '', limit: 50 });
      const loads = new Map<string, number>();
      for (const c of open) if (c.assignee) loads.set(c.assignee.name, (loads.get(c.assignee.name) ?? 0) + 1);
      assert.deepEqual([...loads].sort(), [['Ann', 2], ['Ben', 2]]);
    });

    it('keeps the round-robin turn in the database: another process, or a restarted one, goes on from it', async () => {
      const { schema, a, b, site, ids, online } = await twoProcesses(3);
      await a.updateAssignmentSettings(site.id, { rule: 'round-robin' });
      const first = (await a.autoAssign(ids[0]!, online)).value.assignee!.name;
      const second = (await b.autoAssign(ids[1]!, online)).value.assignee!.name;
      assert.notEqual(second, first, 'the other process took the next in turn');
      await a.close();
      await b.close();
      const restarted = open(schema);
      await restarted.migrate();
      assert.equal((await restarted.autoAssign(ids[2]!, online)).value.assignee!.name, first, 'after a restart, the turn goes on');
    });
  });
}
