/**
 * The widget end to end: a customer's page on its own origin embeds the snippet, a visitor chats
 * with an agent who uses the real agent API, in real Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { screenshot, withScreenshotsOnFailure, type HostSite } from './browser.ts';
import { loginAgent, type TestServer } from './harness.ts';
import { widgetSnippet } from '../server/snippet.ts';
import { startWidgetWorld, openWidget, say, type WidgetWorld } from './widget-world.ts';

let server: TestServer;
let host: HostSite;
let browser: Browser;
let world: WidgetWorld;

const pageWith = (server: TestServer, head = '') => `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>${head}</head>
<body><h1>Customer site</h1><p>Some page content.</p>${widgetSnippet(server.url, server.site.id)}</body></html>`;



describe('widget chat', () => {
  let context: BrowserContext;
  before(async () => {
    world = await startWidgetWorld();
    ({ host, server, browser } = world);
    host.setHtml(pageWith(server));
  });
  after(() => world?.close());

  it('delivers what the visitor sends to the agent, and shows the agent reply without reload', async () => {
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    const agent = await loginAgent(server, server.alice.email);
    const stream = await agent.stream();
    await withScreenshotsOnFailure('widget-chat', () => [page], async () => {
      await page.goto(host.url('/'));
      await screenshot(page, 'widget-launcher-desktop');
      await openWidget(page);
      await say(page, 'Hello, do you ship to Norway? https://example.com/a?b=1');
      const received = await stream.until((e) => e.event === 'message' && e.data.message.author === 'visitor', 10_000);
      assert.equal(received.data.message.body, 'Hello, do you ship to Norway? https://example.com/a?b=1');
      const link = page.getByRole('link', { name: 'https://example.com/a?b=1' });
      assert.equal(await link.getAttribute('rel'), 'noopener noreferrer nofollow');
      await page.getByText('Sent', { exact: false }).first().waitFor();

      const conversationId = received.data.message.conversationId;
      await agent.call(`/conversations/${conversationId}/typing`, { method: 'POST', json: { typing: true } });
      await page.getByText(/is typing/).waitFor();
      const reply = await agent.send(conversationId, 'Yes, <b>we do</b> ship there.');
      assert.equal(reply.status, 200);
      await page.getByText('Yes, <b>we do</b> ship there.').waitFor();
      await screenshot(page, 'widget-conversation-desktop');

      // History comes back after a reload (token kept per site).
      await page.reload();
      await openWidget(page);
      await page.getByText('Yes, <b>we do</b> ship there.').waitFor();
      await page.getByText('Hello, do you ship to Norway?', { exact: false }).waitFor();
    });
    stream.close();
    await context.close();
  });
});
