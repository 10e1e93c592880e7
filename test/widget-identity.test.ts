/**
 * A shared computer (issue 9): on one browser a visitor signed in to the site as "alice" chats;
 * she signs out and "bob" signs in, and the page identifies him. The widget must then be bob's
 * alone — nothing of alice's conversation on screen, in any tab, or in storage, his stream his own,
 * and what he writes a new conversation that agents see under his name.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { withScreenshotsOnFailure, type HostSite } from './browser.ts';
import { loginAgent, SITE_SECRET, type TestServer } from './harness.ts';
import { widgetSnippet } from '../server/snippet.ts';
import { waitFor } from './wait-for.ts';
import { openWidget, say, startWidgetWorld, type WidgetWorld } from './widget-world.ts';

let world: WidgetWorld | undefined;
let server: TestServer;
let host: HostSite;
let browser: Browser;

/** What the site's own server renders into the page for a signed-in user (docs/widget.md "Identity verification"). */
function identify(page: Page, id: string, name: string): Promise<void> {
  const hash = createHmac('sha256', SITE_SECRET).update(id).digest('hex');
  return page.evaluate(([id, name, hash]) => (window as any).Parley('identify', { id, name, email: `${id}@example.com`, hash }), [id, name, hash]);
}

/** Everything the widget keeps in this origin's localStorage, as one string. */
const stored = (page: Page) => page.evaluate(() => JSON.stringify(Object.entries(localStorage)));

describe('widget identity switch on a shared browser', () => {
  before(async () => {
    world = await startWidgetWorld();
    ({ host, server, browser } = world);
    host.setHtml(`<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Customer site</h1>${widgetSnippet(server.url, server.site.id)}</body></html>`);
  });
  after(() => world?.close());

  it('shows the next signed-in visitor none of the previous one\'s conversation, and starts theirs anew', async () => {
    const agent = await loginAgent(server, server.owner.email);
    const stream = await agent.stream();
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const pages: Page[] = [];
    try {
      const page = await context.newPage();
      pages.push(page);
      await withScreenshotsOnFailure('widget-identity-switch', () => pages, async () => {
        // Alice, signed in to the shop, asks something private and gets an answer.
        await page.goto(host.url('/account'));
        await identify(page, 'alice', 'Alice Visitor');
        await openWidget(page);
        const aliceText = 'Alice here: my order 4242 went to the wrong address';
        await say(page, aliceText);
        const fromAlice = await stream.until((e) => e.event === 'message' && e.data.message.body === aliceText, 10_000);
        const aliceConversation: string = fromAlice.data.message.conversationId;
        const aliceVisitor = await waitFor(async () => {
          const { visitor } = (await agent.call(`/conversations/${aliceConversation}`)).body;
          return visitor.externalId === 'alice' && visitor;
        }, { message: 'alice to be the verified visitor of her conversation' });
        assert.equal((await agent.send(aliceConversation, 'Sorry Alice, we will send it to 1 Elm Street')).status, 200);
        await page.getByText('Sorry Alice, we will send it to 1 Elm Street').waitFor();
        const aliceToken = await page.evaluate((site) => localStorage.getItem(`parley:${site}:token`), server.site.id);

        // A second tab of the shop, still showing alice's conversation.
        const other = await context.newPage();
        pages.push(other);
        await other.goto(host.url('/orders'));
        await openWidget(other);
        await other.getByText('Sorry Alice, we will send it to 1 Elm Street').waitFor();

        // Alice starts another message and leaves it unsent; she signs out, Bob signs in on the
        // same browser, and the page identifies him.
        const composer = page.getByRole('textbox', { name: 'Message' });
        await composer.fill('Alice again: and my new address is');
        await identify(page, 'bob', 'Bob Visitor');
        for (const tab of [page, other]) {
          await tab.getByText(aliceText).waitFor({ state: 'detached' });
          await tab.getByText('Sorry Alice', { exact: false }).waitFor({ state: 'detached' });
        }
        await waitFor(async () => (await composer.inputValue()) === '', { message: 'the composer to hold nothing alice typed' });
        const left = await waitFor(async () => {
          const all = await stored(page);
          return !all.includes(aliceToken!) && !all.includes(aliceConversation) && !all.includes('4242') && all;
        }, { message: 'localStorage to hold nothing of alice (token, conversation, messages)' });
        assert.doesNotMatch(left, /Elm Street|Alice Visitor/);

        // Bob's message is a new conversation, which agents see under his verified name.
        const bobText = 'Bob here: do you have this in blue?';
        await say(page, bobText);
        const fromBob = await stream.until((e) => e.event === 'message' && e.data.message.body === bobText, 10_000);
        const bobConversation: string = fromBob.data.message.conversationId;
        assert.notEqual(bobConversation, aliceConversation);
        const { visitor: bob } = (await agent.call(`/conversations/${bobConversation}`)).body;
        assert.equal(bob.externalId, 'bob');
        assert.equal(bob.name, 'Bob Visitor');
        assert.notEqual(bob.id, aliceVisitor.id);

        // The stream is Bob's: a late reply to Alice reaches neither tab, the reply to Bob both.
        assert.equal((await agent.send(aliceConversation, 'Alice, your refund is on its way')).status, 200);
        assert.equal((await agent.send(bobConversation, 'Hi Bob, yes we do')).status, 200);
        for (const tab of [page, other]) {
          await tab.getByText('Hi Bob, yes we do').waitFor();
          assert.equal(await tab.getByText('Alice, your refund is on its way').count(), 0);
          await tab.getByText(bobText).waitFor();
        }

        // After a reload the browser is still Bob's.
        await page.reload();
        await openWidget(page);
        await page.getByText('Hi Bob, yes we do').waitFor();
        assert.equal(await page.getByText(aliceText).count(), 0);
      });
    } finally {
      stream.close();
      await context.close();
    }
  });
});
