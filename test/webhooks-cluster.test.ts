/**
 * Webhooks in a cluster (issue 15): three Parley processes on one PostgreSQL database, each with
 * its worker, running their rounds at the same moments while events are written through all of
 * them — every event reaches the endpoint once (one delivery id, one request), in order per
 * conversation, and a failure is retried by whichever process comes first. Runs only with
 * TEST_DATABASE_URL; the schema is dropped afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { App } from '../server/app.ts';
import { defaultWidgetConfig } from '../server/site-defaults.ts';
import type { Store } from '../server/store/store.ts';
import { createManualClock } from './support/manual-clock.ts';
import { startPgApps } from './support/pg-apps.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

const url = process.env.TEST_DATABASE_URL;

if (url) clusterTests(url);

function clusterTests(url: string): void {
  describe('webhooks, three processes on one PostgreSQL database', () => {
    const teardown = new Teardown();
    const clock = createManualClock();
    let receiver: WebhookReceiver;
    let stores: Store[];
    let apps: App[];

    before(async () => {
      receiver = teardown.add(await startWebhookReceiver(), (r) => r.close());
      ({ stores, apps } = await startPgApps(teardown, url, { clock, config: { webhooksAllowPrivate: true } }));
    });
    after(() => teardown.run());

    const everyone = async () => {
      await Promise.all(apps.map((app) => app.webhooks.tick()));
      await Promise.all(apps.map((app) => app.webhooks.settled()));
    };

    it('sends each event once, in order per conversation, whichever processes write it and run their rounds at once', async () => {
      const store = stores[0]!;
      const site = await store.createSite({ name: 'Shop', allowedOrigins: [], widget: defaultWidgetConfig('Shop'), secret: 'secret' });
      const agent = await store.createUser({ email: 'ann@shop.test', name: 'Ann', role: 'agent', passwordHash: 'x', siteIds: [site.id] });
      await store.createWebhookEndpoint({ siteId: site.id, url: receiver.url, description: '', events: ['message.visitor', 'message.agent'], enabled: true, secret: 'whsec_cluster' });
      receiver.answer((_, n) => (n % 7 === 3 ? { status: 500, body: 'flaky' } : { status: 200, body: 'ok' }));
      const expected = new Map<string, string[]>();
      const writing: Array<Promise<unknown>> = [];
      for (let i = 0; i < 6; i++) {
        const writer = stores[i % 3]!;
        const visitor = await writer.createVisitor({ siteId: site.id, tokenHash: `hash-${i}`, context: {} });
        const { value: conversation } = await writer.startConversation({ siteId: site.id, visitorId: visitor.id, clientId: 'c' });
        const texts = [`q${i}`, `a${i}`, `q${i}-again`];
        expected.set(conversation.id, texts);
        writing.push((async () => {
          for (const [n, body] of texts.entries()) {
            await stores[(i + n) % 3]!.appendMessage({
              conversationId: conversation.id, clientId: body, author: n === 1 ? 'agent' : 'visitor', agentId: n === 1 ? agent.id : null, body, internal: false,
            });
            // Rounds run while the messages are still being written, on every process at once.
            await everyone();
          }
        })());
      }
      await Promise.all(writing);
      await waitFor(async () => {
        clock.advance(60_000);
        await everyone();
        return receiver.accepted().length === 18;
      }, { message: () => `18 accepted (got ${receiver.accepted().length})` });

      const accepted = receiver.accepted();
      assert.equal(new Set(accepted.map((b) => b.eventId)).size, 18, 'each event once');
      const answered = receiver.received.filter((d) => d.status === 200);
      assert.equal(answered.length, 18, 'no event accepted twice: no process sent one another was holding');
      for (const [conversationId, texts] of expected) {
        const got = accepted.filter((b) => 'message' in b.data && b.data.message.conversationId === conversationId).map((b) => ('message' in b.data ? b.data.message.body : ''));
        assert.deepEqual(got, texts, `in order in ${conversationId}`);
      }
    });
  });
}
