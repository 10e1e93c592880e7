/**
 * The widget when the network misbehaves and when several tabs are open: the offline outbox
 * delivers exactly once and in order; all tabs share one stream and keep receiving when the
 * leader tab closes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { screenshot, withScreenshotsOnFailure, type HostSite } from './browser.ts';
import { loginAgent, type TestServer } from './harness.ts';
import { widgetSnippet } from '../server/snippet.ts';
import { startWidgetWorld, openWidget, say, type WidgetWorld } from './widget-world.ts';

let server: TestServer;
let host: HostSite;
let browser: Browser;
let world: WidgetWorld;


describe('widget resilience', () => {
  before(async () => {
    world = await startWidgetWorld();
    ({ host, server, browser } = world);
    host.setHtml(`<!doctype html><meta charset="utf-8"><title>Shop</title><h1>Customer site</h1>${widgetSnippet(server.url, server.site.id)}`);
  });
  after(() => world?.close());

  // context.setOffline(true) would also take down the customer's page, so a reload could not
  // happen at all. Instead the Parley API (/v1/…) is made unreachable with page.route aborts —
  // a server outage as the browser sees it — while the page and the widget's scripts still load.
  it('delivers three messages typed while the server was unreachable exactly once, in order, after a reload', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const agent = await loginAgent(server, server.alice.email);
    const stream = await agent.stream();
    await withScreenshotsOnFailure('widget-offline', () => [page], async () => {
      await page.goto(host.url('/'));
      await openWidget(page);
      await say(page, 'first, while online');
      await stream.until((e) => e.event === 'message' && e.data.message.body === 'first, while online', 10_000);

      await context.route(`${server.url}/v1/**`, (route) => route.abort('internetdisconnected'));
      for (const text of ['offline one', 'offline two', 'offline three']) await say(page, text);
      await page.getByText('Sending…').nth(2).waitFor();
      await page.reload();
      await openWidget(page);
      await page.getByText('offline three').waitFor();
      // History from before the outage is shown from the local copy while the server is unreachable.
      await page.getByText('first, while online').waitFor();
      assert.equal(await page.getByText('Sending…').count(), 3, 'the three are still pending after the reload');
      await screenshot(page, 'widget-offline-pending');

      await context.unroute(`${server.url}/v1/**`);
      const bodies: string[] = [];
      while (bodies.length < 3) {
        const event = await stream.until((e) => e.event === 'message' && e.data.message.author === 'visitor', 30_000);
        bodies.push(event.data.message.body);
      }
      assert.deepEqual(bodies, ['offline one', 'offline two', 'offline three']);
      await page.getByText('Sending…').first().waitFor({ state: 'detached', timeout: 15_000 });
      const conversationId = stream.events.find((e) => e.event === 'message')!.data.message.conversationId;
      const history = await agent.call(`/conversations/${conversationId}/messages?limit=100`);
      const visitorBodies = history.body.messages.filter((m: { author: string }) => m.author === 'visitor').map((m: { body: string }) => m.body);
      assert.deepEqual(visitorBodies, ['first, while online', 'offline one', 'offline two', 'offline three']);
    });
    stream.close();
    await context.close();
  });

  it('keeps one stream for all tabs, shows each message in both, and the other tab keeps receiving when the leader closes', async () => {
    const context = await browser.newContext();
    const streams: string[] = [];
    context.on('request', (request) => request.url().includes('/stream?') && streams.push(request.url()));
    const first = await context.newPage();
    const second = await context.newPage();
    const agent = await loginAgent(server, server.bob.email);
    const stream = await agent.stream();
    await withScreenshotsOnFailure('widget-tabs', () => [first, second], async () => {
      await first.goto(host.url('/'));
      await openWidget(first);
      await say(first, 'from tab one');
      const sent = await stream.until((e) => e.event === 'message' && e.data.message.body === 'from tab one', 10_000);
      const conversationId: string = sent.data.message.conversationId;
      await first.getByText('Sent', { exact: false }).first().waitFor();
      await second.goto(host.url('/'));
      await openWidget(second);
      await second.getByText('from tab one').waitFor();

      await agent.send(conversationId, 'reply seen by both tabs');
      await first.getByText('reply seen by both tabs').waitFor();
      await second.getByText('reply seen by both tabs').waitFor();
      const visitorId = (await server.store.getConversation(conversationId))!.visitorId;
      assert.equal(server.app.services.hub.count(`visitor:${visitorId}`), 1, 'one stream for two tabs');

      // The leader's page goes away as the visitor navigates: its stream ends in the unload, which
      // is no outage, so the other tab must never say it cannot reach the team meanwhile.
      await second.evaluate(() => {
        const root = document.querySelector('parley-widget')!.shadowRoot!;
        const w = window as unknown as { saidUnreachable: boolean };
        w.saidUnreachable = false;
        new MutationObserver(() => { w.saidUnreachable ||= root.textContent!.includes('Can’t reach us'); })
          .observe(root, { subtree: true, childList: true, characterData: true });
      });
      await first.goto('about:blank');
      await first.close();
      await agent.send(conversationId, 'after the leader left');
      await second.getByText('after the leader left').waitFor({ timeout: 15_000 });
      assert.equal(await second.evaluate(() => (window as unknown as { saidUnreachable: boolean }).saidUnreachable), false, 'the other tab said "Can’t reach us" while taking over');
      assert.equal(server.app.services.hub.count(`visitor:${visitorId}`), 1);
      assert.ok(streams.length >= 2, 'the second tab opened its own stream when it took over');
    });
    stream.close();
    await context.close();
  });

  /** Two tabs: the first leads, the second follows; a message typed in the follower goes out once. */
  async function followerSends(name: string, noIndexedDb: boolean): Promise<void> {
    const context = await browser.newContext();
    // No IndexedDB at all (as in some private modes): the outbox lives in each tab's memory.
    if (noIndexedDb) await context.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true }));
    const first = await context.newPage();
    const second = await context.newPage();
    const agent = await loginAgent(server, server.alice.email);
    const stream = await agent.stream();
    const bodies: string[] = [];
    await withScreenshotsOnFailure(name, () => [first, second], async () => {
      await first.goto(host.url('/'));
      await openWidget(first);
      await say(first, `${name}: from the leader`);
      await stream.until((e) => e.event === 'message' && e.data.message.body === `${name}: from the leader`, 10_000);
      await second.goto(host.url('/'));
      await openWidget(second);
      await second.getByText(`${name}: from the leader`).waitFor();
      await say(second, `${name}: from the follower`);
      await stream.until((e) => {
        if (e.event === 'message') bodies.push(e.data.message.body);
        return e.event === 'message' && e.data.message.body === `${name}: from the follower`;
      }, 10_000);
      for (const page of [first, second]) {
        await page.getByText(`${name}: from the follower`).waitFor();
        await page.getByText('Sending…').waitFor({ state: 'detached' });
        await page.getByText(/· Sent$/).waitFor();
      }
      // Anything more that arrives in the next second would be a duplicate.
      await stream.until((e) => {
        if (e.event === 'message') bodies.push(e.data.message.body);
        return false;
      }, 1000).catch(() => {});
      assert.equal(bodies.filter((body) => body === `${name}: from the follower`).length, 1, 'the agent got it once');
    });
    stream.close();
    await context.close();
  }

  it('delivers a message typed in a follower tab exactly once, and both tabs show it sent', () => followerSends('follower-idb', false));
  it('delivers a follower tab\'s message without IndexedDB too', () => followerSends('follower-memory', true));

  it('clears the unread badge and the title in every tab when the reply is read in one of them', async () => {
    const context = await browser.newContext();
    const first = await context.newPage();
    const second = await context.newPage();
    const agent = await loginAgent(server, server.alice.email);
    const stream = await agent.stream();
    const badge = (page: Page) => page.locator('parley-widget').evaluate((el) => el.shadowRoot!.querySelector('.b')!.textContent);
    await withScreenshotsOnFailure('widget-read-tabs', () => [first, second], async () => {
      await first.goto(host.url('/'));
      await openWidget(first);
      await say(first, 'read me in the other tab');
      const sent = await stream.until((e) => e.event === 'message' && e.data.message.body === 'read me in the other tab', 10_000);
      await second.goto(host.url('/'));
      await openWidget(second);
      await first.keyboard.press('Escape');
      await second.keyboard.press('Escape');
      await agent.send(sent.data.message.conversationId, 'an answer');
      await first.waitForFunction(() => document.title === '(1) Shop');
      await second.waitForFunction(() => document.querySelector('parley-widget')!.shadowRoot!.querySelector('.b')!.textContent === '1');
      await second.bringToFront();
      await openWidget(second);
      await first.waitForFunction(() => document.title === 'Shop');
      assert.equal(await badge(first), '');
      assert.equal(await second.title(), 'Shop');
    });
    stream.close();
    await context.close();
  });
});
