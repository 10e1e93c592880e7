/**
 * Merging, as the merged-away visitor's browser lives it (issue 14), in Chromium with the real
 * widget on a customer's page: an agent merges the phone's visitor into the laptop's while the
 * phone's widget is open; the widget's stream is ended with "changed", it reconnects as the visitor
 * that stays, keeps its conversation on screen, receives the agent's next reply live, and what it
 * sends still arrives — no error, nothing lost. Screenshot at phone size in /tmp/shots-F1/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { withScreenshotsOnFailure } from './browser.ts';
import { loginAgent, newVisitor } from './harness.ts';
import { widgetSnippet } from '../server/snippet.ts';
import { shot } from './team-inbox-shots.ts';
import { openWidget, say, startWidgetWorld, type WidgetWorld } from './widget-world.ts';

describe('merging visitors, seen from the merged-away widget', () => {
  let world: WidgetWorld;
  let page: Page;
  before(async () => {
    world = await startWidgetWorld();
    world.host.setHtml(`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head>
<body><h1>Customer site</h1>${widgetSnippet(world.server.url, world.server.site.id)}</body></html>`);
  });
  after(() => world?.close());

  it('keeps the widget working as the visitor it was merged into', () =>
    withScreenshotsOnFailure('team-inbox-widget-merge', () => (page ? [page] : []), async () => {
      const { server, host, browser } = world;
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      context.setDefaultTimeout(15_000);
      page = await context.newPage();
      const agent = await loginAgent(server, server.alice.email);
      const agentStream = await agent.stream((await agent.call('/me')).body.cursor);
      try {
        await page.goto(host.url('/'));
        await openWidget(page);
        await say(page, 'Hi, I wrote from my laptop earlier');
        const first = await agentStream.until((e) => e.event === 'message' && e.data.message.author === 'visitor', 15_000);
        const phoneConversation: string = first.data.message.conversationId;
        const phoneVisitor = (await server.store.getConversationRef(phoneConversation))!.visitorId;

        const laptop = await newVisitor(server, host.origin);
        await laptop.call('/visitor', { method: 'PATCH', json: { name: 'Ann Lee', email: 'ann@example.com' } });
        const laptopConversation = await laptop.start();
        await laptop.send(laptopConversation.id, 'From the laptop');

        const merged = await agent.call(`/visitors/${laptop.id}/merge`, { method: 'POST', json: { from: phoneVisitor } });
        assert.equal(merged.status, 200);
        assert.deepEqual(merged.body.moved, [phoneConversation]);

        // The widget reconnects as Ann; the agent's reply reaches it live, on the same conversation.
        await agent.send(phoneConversation, 'Got both of your messages, Ann.');
        await page.getByText('Got both of your messages, Ann.').waitFor();
        await page.getByText('Hi, I wrote from my laptop earlier').waitFor();
        await say(page, 'Great, thanks');
        const next = await agentStream.until((e) => e.event === 'message' && e.data.message.body === 'Great, thanks', 15_000);
        assert.equal(next.data.message.conversationId, phoneConversation);
        assert.equal((await server.store.getConversationRef(phoneConversation))!.visitorId, laptop.id);
        assert.equal(await page.getByText(/offline|can.t reach/i).count(), 0, 'no scary message');
        await shot(page, 'widget-after-merge-phone');
      } finally {
        agentStream.close();
        await context.close();
      }
    }));
});
