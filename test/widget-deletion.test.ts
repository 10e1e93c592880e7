/**
 * A visitor's data deleted by the owner (issue 14, defect 2) must leave the visitor's device too:
 * an open widget hears it (the stream's goodbye, or a 401 to its next request) and wipes every
 * trace — on screen, the cached history, the outbox, the token, in every tab — then starts fresh
 * with no scary message; a widget that was closed learns it on its next visit; and a token the
 * server does not know for any other reason is met just as calmly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot, withScreenshotsOnFailure, type HostSite } from './browser.ts';
import { loginAgent, type TestServer } from './harness.ts';
import { sha256 } from '../server/auth/secrets.ts';
import { widgetSnippet } from '../server/snippet.ts';
import { waitFor } from './wait-for.ts';
import { banners, outboxItems, stored, storedToken, watchBanners } from './widget-device.ts';
import { openWidget, say, startWidgetWorld, type WidgetWorld } from './widget-world.ts';

let world: WidgetWorld | undefined;
let server: TestServer;
let host: HostSite;
let owner: Awaited<ReturnType<typeof loginAgent>>;
let agent: Awaited<ReturnType<typeof loginAgent>>;

/** The visitor behind a conversation, as agents see them. */
async function visitorOf(conversationId: string): Promise<string> {
  const detail = await agent.call(`/conversations/${conversationId}`);
  assert.equal(detail.status, 200, JSON.stringify(detail.body));
  return detail.body.visitor.id;
}

/** Settings → Data → "Delete this visitor's data… → Delete for good", through the admin API the dashboard calls. */
async function deleteVisitor(visitorId: string): Promise<void> {
  const result = await owner.admin(`/visitors/${visitorId}`, { method: 'DELETE' });
  assert.equal(result.status, 204, JSON.stringify(result.body));
}

/** Nothing of the deleted visitor in this origin's storage: no text of theirs, not their token. */
async function deviceForgot(page: Page, texts: string[], token: string): Promise<string> {
  return waitFor(async () => {
    const all = await stored(page);
    const items = await outboxItems(page, server.site.id);
    return !texts.some((text) => all.includes(text)) && !all.includes(token) && items.length === 0 && all;
  }, { message: 'localStorage and the outbox to hold nothing of the deleted visitor' });
}

describe('widget after the owner deletes the visitor\'s data', () => {
  before(async () => {
    // A short long-poll, so a polling widget's held request comes back soon and the next one is refused.
    world = await startWidgetWorld({ longPollMs: 1_000 });
    ({ host, server } = world);
    host.setHtml(`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head><body><h1>Customer site</h1>${widgetSnippet(server.url, server.site.id)}</body></html>`);
    owner = await loginAgent(server, server.owner.email);
    agent = await loginAgent(server, server.alice.email);
  });
  after(() => world?.close());

  it('wipes the conversation from the screen and the device in every open tab, calmly, and starts a new visitor', async () => {
    const stream = await agent.stream();
    const context: BrowserContext = await world!.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const pages: Page[] = [];
    try {
      const page = await context.newPage();
      pages.push(page);
      await withScreenshotsOnFailure('widget-deleted-open', () => pages, async () => {
        await page.goto(host.url('/'));
        await openWidget(page);
        const mine = 'My card number ends in 4242, please delete this afterwards';
        await say(page, mine);
        const sent = await stream.until((e) => e.event === 'message' && e.data.message.body === mine, 10_000);
        const conversationId: string = sent.data.message.conversationId;
        const reply = 'Noted, Ms Example: your refund of 12.40 EUR is on its way';
        assert.equal((await agent.send(conversationId, reply)).status, 200);
        await page.getByText(reply).waitFor();
        const token = (await storedToken(page, server.site.id))!;
        assert.ok((await stored(page)).includes('4242'), 'the history cache held the conversation (so the test can see it go)');

        // A second tab of the shop shows the same conversation (it follows the first tab's stream).
        const other = await context.newPage();
        pages.push(other);
        await other.goto(host.url('/orders'));
        await openWidget(other);
        await other.getByText(reply).waitFor();
        for (const tab of pages) await watchBanners(tab);

        await deleteVisitor(await visitorOf(conversationId));

        for (const tab of pages) {
          await tab.getByText(mine).waitFor({ state: 'detached' });
          await tab.getByText(reply).waitFor({ state: 'detached' });
        }
        const left = await deviceForgot(page, [mine, reply, conversationId], token);
        assert.doesNotMatch(left, /Ms Example|4242/);
        const fresh = await waitFor(() => storedToken(page, server.site.id).then((t) => t && t !== token && t), { message: 'a new visitor token' });
        await screenshot(page, 'widget-deleted-1280');

        // Starting over as a new visitor, the widget writes again: a new conversation, a new visitor,
        // and both tabs show it (one visitor for the whole browser, not one per tab).
        const again = 'Hello again, a new question';
        await say(other, again);
        const next = await stream.until((e) => e.event === 'message' && e.data.message.body === again, 10_000);
        assert.notEqual(next.data.message.conversationId, conversationId);
        await page.getByText(again).waitFor();
        assert.equal(await storedToken(other, server.site.id), fresh);
        const newVisitor = await visitorOf(next.data.message.conversationId);
        assert.equal((await server.store.findVisitorByToken(server.site.id, sha256(fresh)))?.id, newVisitor);

        // Never "You are offline", "Can't reach us" or any other banner along the way, in either tab.
        for (const tab of pages) assert.deepEqual(await banners(tab), []);
        assert.equal(await page.getByText(/not sent/i).count(), 0);
      });
    } finally {
      stream.close();
      await context.close();
    }
  });

  it('wipes a widget that was closed at the deletion on its next visit, without sending what it had not sent', async () => {
    const stream = await agent.stream();
    const context = await world!.browser.newContext({ viewport: { width: 768, height: 900 } });
    try {
      let page = await context.newPage();
      await withScreenshotsOnFailure('widget-deleted-closed', () => [page], async () => {
        await page.goto(host.url('/'));
        await openWidget(page);
        const first = 'Please call me on 0612 345 678';
        await say(page, first);
        const sent = await stream.until((e) => e.event === 'message' && e.data.message.body === first, 10_000);
        const conversationId: string = sent.data.message.conversationId;
        await page.getByText('Sent', { exact: false }).waitFor();
        const token = (await storedToken(page, server.site.id))!;

        // The server goes out of reach while the visitor writes once more: it waits in the outbox.
        await page.route(`${server.url}/v1/**`, (route) => route.abort('connectionrefused'));
        const unsent = 'and my address is 1 Elm Street';
        await say(page, unsent);
        await waitFor(async () => (await outboxItems(page, server.site.id)).some((item) => item.payload.body === unsent), { message: 'the unsent message in the outbox' });
        await page.close();

        await deleteVisitor(await visitorOf(conversationId));

        // The next visit, with the server reachable.
        page = await context.newPage();
        await page.goto(host.url('/'));
        await openWidget(page);
        await deviceForgot(page, [first, unsent, conversationId], token);
        assert.equal(await page.getByText(first).count(), 0);
        assert.equal(await page.getByText(unsent).count(), 0);
        await screenshot(page, 'widget-deleted-next-visit-768');

        // The new visitor can chat; the deleted visitor's unsent message never reached the server.
        const fresh = 'A new visitor asking about delivery';
        await say(page, fresh);
        await stream.until((e) => e.event === 'message' && e.data.message.body === fresh, 10_000);
        const all = await server.store.exportConversations(server.site.id);
        const bodies = all.flatMap((c) => c.messages.map((m) => m.body));
        assert.ok(bodies.includes(fresh));
        assert.ok(!bodies.includes(unsent) && !bodies.includes(first), `the server holds ${JSON.stringify(bodies)}`);
      });
    } finally {
      stream.close();
      await context.close();
    }
  });

  it('meets a token the server does not know for another reason (a replaced database) just as calmly', async () => {
    const context = await world!.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await withScreenshotsOnFailure('widget-unknown-token', () => [page], async () => {
        // What a browser keeps from a server whose database was since replaced: a token it never
        // issued, and that visitor's cached history.
        const made = 'tok_from_a_previous_database_0123456789';
        const cached = JSON.stringify([
          { id: 'c_old', siteId: server.site.id, visitorId: 'v_old', status: 'waiting', assignee: null, visitor: { name: null, email: null }, createdAt: Date.now(), firstResponseAt: null, resolvedAt: null, lastMessageAt: Date.now(), lastSeq: 1, preview: 'old', visitorReadSeq: 1, agentReadSeq: 0 },
          [{ id: 'm_old', conversationId: 'c_old', seq: 1, clientId: 'x', author: 'visitor', agent: null, body: 'An old message from before the restore', internal: false, system: null, createdAt: Date.now() }],
        ]);
        await page.goto(host.url('/blank'));
        await page.evaluate(([site, token, history]) => {
          localStorage.setItem(`parley:${site}:token`, token!);
          localStorage.setItem(`parley:${site}:history`, history!);
        }, [server.site.id, made, cached]);
        await page.goto(host.url('/'));
        await page.locator('parley-widget').waitFor({ state: 'attached' });
        await watchBanners(page);
        await openWidget(page);
        await waitFor(() => storedToken(page, server.site.id).then((t) => t && t !== made), { message: 'a token from this server' });
        await page.getByText('An old message from before the restore').waitFor({ state: 'detached' });
        assert.doesNotMatch(await stored(page), /An old message|c_old/);
        assert.deepEqual(await banners(page), []);
        await page.getByRole('textbox', { name: 'Message' }).waitFor();
      });
    } finally {
      await context.close();
    }
  });

  it('learns of the deletion from the refused poll when its network only lets it long-poll', async () => {
    const stream = await agent.stream();
    const context = await world!.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await withScreenshotsOnFailure('widget-deleted-polling', () => [page], async () => {
        // A proxy that refuses event streams: after two failed opens the widget long-polls.
        await page.route(`${server.url}/v1/sites/*/stream?**`, (route) => route.abort('connectionrefused'));
        const polls: number[] = [];
        page.on('response', (response) => { if (response.url().includes('/events?')) polls.push(response.status()); });
        await page.goto(host.url('/'));
        await openWidget(page);
        const text = 'Sent while long-polling: my order is 777';
        await say(page, text);
        const sent = await stream.until((e) => e.event === 'message' && e.data.message.body === text, 10_000);
        await waitFor(() => polls.length >= 2, { timeoutMs: 30_000, message: 'the widget long-polling' });
        const token = (await storedToken(page, server.site.id))!;
        const before = polls.length;

        await deleteVisitor(await visitorOf(sent.data.message.conversationId));

        await page.getByText(text).waitFor({ state: 'detached', timeout: 15_000 });
        await deviceForgot(page, [text, sent.data.message.conversationId], token);
        // It polls on as the new visitor, after a refusal or two, not in a loop of refusals as the old one.
        const fresh = (await storedToken(page, server.site.id))!;
        await waitFor(() => polls.slice(before).includes(401) && polls.at(-1) === 200, { timeoutMs: 30_000, message: `polls as the new visitor (saw ${polls.slice(before)})` });
        assert.ok(polls.slice(before).filter((status) => status === 401).length <= 3, `refused polls: ${polls.slice(before)}`);
        // (Opening a stream that this network refuses shows "Can't reach us" for a moment, as on
        // any start here, before the long-poll answers: so only what stays is checked.)
        await page.locator('parley-widget').evaluate((el) => new Promise<void>((resolve) => {
          const gone = () => !el.shadowRoot!.querySelector('.ban');
          if (gone()) return resolve();
          const observer = new MutationObserver(() => gone() && (observer.disconnect(), resolve()));
          observer.observe(el.shadowRoot!, { childList: true, subtree: true });
        }));
        await say(page, 'still here after the deletion');
        await stream.until((e) => e.event === 'message' && e.data.message.body === 'still here after the deletion', 15_000);
        assert.notEqual(fresh, token);
      });
    } finally {
      stream.close();
      await context.close();
    }
  });
});
