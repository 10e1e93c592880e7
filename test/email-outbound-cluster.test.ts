/**
 * Outbound email in a cluster (issue 12): three Parley processes on one PostgreSQL database, each
 * with its outbox worker, running their rounds at the same moments — every email goes out once,
 * from one of them. Runs only with TEST_DATABASE_URL; the schema is dropped afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { App } from '../server/app.ts';
import { defaultWidgetConfig } from '../server/site-defaults.ts';
import type { Store } from '../server/store/store.ts';
import { createManualClock } from './support/manual-clock.ts';
import { startPgApps } from './support/pg-apps.ts';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.ts';
import { Teardown } from './teardown.ts';

const url = process.env.TEST_DATABASE_URL;
const MINUTE = 60_000;

if (url) clusterTests(url);

function clusterTests(url: string): void {
  describe('outbound email, three processes on one PostgreSQL database', () => {
    const teardown = new Teardown();
    const clock = createManualClock();
    let sink: SmtpSink;
    let stores: Store[];
    let apps: App[];

    before(async () => {
      sink = teardown.add(await startSmtpSink(), (s) => s.close());
      ({ stores, apps } = await startPgApps(teardown, url, { clock, config: { smtpUrl: sink.url, emailFrom: 'support@shop.test' } }));
    });
    after(() => teardown.run());

    it('sends each email once whichever processes run their rounds at once', async () => {
      const store = stores[0]!;
      const site = await store.createSite({ name: 'Shop', allowedOrigins: [], widget: defaultWidgetConfig('Shop'), secret: 'secret' });
      const agent = await store.createUser({ email: 'ann@shop.test', name: 'Ann', role: 'agent', passwordHash: 'x', siteIds: [site.id] });
      const addresses = Array.from({ length: 12 }, (_, i) => `visitor-${i}@example.com`);
      for (const [i, address] of addresses.entries()) {
        const visitor = await store.createVisitor({ siteId: site.id, tokenHash: `hash-${i}`, context: {} });
        await store.updateVisitor(visitor.id, { email: address });
        const { value: conversation } = await store.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'c' });
        await store.appendMessage({ conversationId: conversation.id, clientId: 'q', author: 'visitor', agentId: null, body: 'Question?', internal: false });
        const { value: reply } = await store.appendMessage({ conversationId: conversation.id, clientId: 'a', author: 'agent', agentId: agent.id, body: `Answer ${i}`, internal: false });
        await stores[i % 3]!.noteReplyEmail({ messageId: reply.id, suppressed: false, dueAt: clock.now() + 3 * MINUTE });
      }
      clock.advance(3 * MINUTE);
      for (let round = 0; round < 3; round++) await Promise.all(apps.map((app) => app.outboundEmail!.tick()));
      for (const address of addresses) {
        assert.equal(sink.received.filter((e) => e.envelope.to.includes(address)).length, 1, address);
      }
      assert.equal(sink.received.length, addresses.length);
    });
  });
}
