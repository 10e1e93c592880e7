/**
 * On PostgreSQL, a write that waits for another process deleting what it names (issue 14): an
 * owner deleting a label or a team, or a visitor's data, on another process at that very moment.
 * The other process is a plain connection holding its DELETE uncommitted until the store's write
 * is seen waiting for its lock; then it commits. The write must then answer "it is gone" (null, or
 * GoneError) — not fail on a foreign key as a bug would (a 500). Runs only with TEST_DATABASE_URL;
 * every schema made here is dropped afterwards.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from 'pg';
import { pgSchemas } from '../../test/support/pg-schemas.ts';
import { waitFor } from '../../test/wait-for.ts';
import { defaultWidgetConfig } from '../site-defaults.ts';
import { createPgStore } from './pg-store.ts';
import { GoneError, type Store } from './store.ts';

const url = process.env.TEST_DATABASE_URL;
if (url) pgGoneTests(url);

function pgGoneTests(url: string): void {
  const pg = pgSchemas(url);

  async function world() {
    const schema = pg.fresh();
    const store: Store = pg.closeAfter(createPgStore({ url, schema }));
    await store.migrate();
    const other = pg.closeAfter(new Client({ connectionString: url, options: `-c search_path=${schema}` }));
    await other.connect();
    const watcher = pg.closeAfter(new Client({ connectionString: url }));
    await watcher.connect();
    const site = await store.createSite({ name: 'Shop', allowedOrigins: [], widget: defaultWidgetConfig('Shop'), secret: 's' });
    const agent = await store.createUser({ email: 'ann@shop.test', name: 'Ann', role: 'agent', passwordHash: 'x', siteIds: [site.id] });
    const visitor = await store.createVisitor({ siteId: site.id, tokenHash: 'h', context: {} });
    const { value: conversation } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'c1' });
    /**
     * Runs `write` while the other process holds `deletion` uncommitted, and commits it once the
     * write waits for its lock: the write's outcome, or what it threw.
     */
    async function whileDeleting<T>(deletion: string, params: string[], write: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
      await other.query('BEGIN');
      await other.query(deletion, params);
      const outcome = write().then((value) => ({ value }), (error: unknown) => ({ error }));
      await waitFor(async () => (await watcher.query(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [`parley/${schema}`])).rowCount === 1,
      { message: 'the store\'s write waiting for the deletion\'s lock' });
      await other.query('COMMIT');
      return outcome;
    }
    return { store, site, agent, visitor, conversation, whileDeleting };
  }

  describe('PostgreSQL store: a write waiting for a deletion on another process', () => {
    it('answers "no such label" when the label is deleted while it is being put on a conversation', async () => {
      const { store, site, conversation, whileDeleting } = await world();
      const { value: label } = await store.createLabel({ siteId: site.id, name: 'Refund', color: '#e03131' });
      const outcome = await whileDeleting('DELETE FROM labels WHERE id = $1', [label.id], () => store.setConversationLabel(conversation.id, label.id, true));
      assert.equal(outcome.error, undefined, String(outcome.error));
      assert.equal(outcome.value, null);
      assert.deepEqual(await store.conversationLabels([conversation.id]), {});
    });

    it('answers "no such team" when the team is deleted while a conversation is being passed to it', async () => {
      const { store, site, agent, conversation, whileDeleting } = await world();
      const { value: team } = await store.createTeam({ siteId: site.id, name: 'Billing', memberIds: [agent.id] });
      const outcome = await whileDeleting('DELETE FROM teams WHERE id = $1', [team.id],
        () => store.transferToTeam(conversation.id, { id: agent.id, name: agent.name, avatarUrl: null }, team.id, []));
      assert.equal(outcome.error, undefined, String(outcome.error));
      assert.equal(outcome.value, null);
      assert.equal((await store.getConversation(conversation.id))!.team, null);
    });

    it('says GoneError when the visitor is deleted while a conversation of theirs is being started', async () => {
      const { store, site, visitor, whileDeleting } = await world();
      const outcome = await whileDeleting('DELETE FROM visitors WHERE id = $1', [visitor.id],
        () => store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'c2' }));
      assert.ok(outcome.error instanceof GoneError && outcome.error.what === 'visitor', String(outcome.error));
    });
  });
}
