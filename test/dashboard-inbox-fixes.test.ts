/**
 * The inbox as agents met it in the outside walk-through (issue 14), end to end in Chromium with a
 * real server: search finds a conversation whatever tab is open and says which view each result is
 * in; the transfer list shows every colleague's presence, live, including those online before this
 * agent signed in; a new conversation notifies once; the composer does not make iOS zoom and is
 * named apart from the message log; a picture that does not load shows the initial; and everyone
 * changes their own name and picture, which visitors then see.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, withScreenshotsOnFailure } from './browser.ts';
import { loginAgent, newVisitor, PASSWORD, startServer, type TestServer } from './harness.ts';
import { ensureDashboardBuilt } from './settings-helpers.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

const DESKTOP = { width: 1280, height: 800 };

async function signIn(page: Page, server: TestServer, email: string): Promise<void> {
  await page.goto(`${server.url}/app/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-state="live"]').waitFor();
}

const row = (page: Page, conversationId: string) => page.locator(`[data-conversation-id="${conversationId}"]`);

describe('dashboard inbox fixes', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let browser: Browser;
  const pages: Page[] = [];

  async function open(viewport = DESKTOP, extra: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, ...extra });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    pages.push(page);
    return { context, page };
  }
  async function close(context: BrowserContext): Promise<void> {
    for (const page of context.pages()) pages.splice(pages.indexOf(page), 1);
    await context.close();
  }

  before(async () => {
    ensureDashboardBuilt();
    // A short presence grace period, so a colleague who left shows as offline soon.
    server = teardown.add(await startServer({ presenceGraceMs: 500 }), (running) => running.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
  });
  after(() => teardown.run());

  it('searches every conversation the agent may see from any tab, and says which view each result is in', () =>
    withScreenshotsOnFailure('inbox-search', () => pages, async () => {
      const alice = await loginAgent(server, server.alice.email);
      const bob = await loginAgent(server, server.bob.email);
      const start = async (text: string) => {
        const visitor = await newVisitor(server);
        const { id } = await visitor.start();
        await visitor.send(id, text);
        return id;
      };
      const waiting = await start('I want a refund for order 1');
      const withBob = await start('Refund please, order 2');
      const mine = await start('Still waiting on my refund, order 3');
      const resolved = await start('Thanks for the refund, order 4');
      const unrelated = await start('Where is my parcel?');
      assert.equal((await bob.call(`/conversations/${withBob}/claim`, { method: 'POST', json: {} })).status, 200);
      assert.equal((await alice.call(`/conversations/${mine}/claim`, { method: 'POST', json: {} })).status, 200);
      assert.equal((await alice.call(`/conversations/${resolved}/resolve`, { method: 'POST', json: {} })).status, 200);

      const { context, page } = await open();
      await signIn(page, server, server.alice.email);
      assert.equal(await page.getByRole('tab', { name: /Waiting/ }).getAttribute('aria-selected'), 'true');
      await page.getByLabel('Search conversations').fill('refund');
      await page.getByText('4 results in all conversations').waitFor();
      const list = page.getByRole('listbox', { name: 'Search results in all conversations' });
      const viewOf = (id: string) => list.locator(`[data-conversation-id="${id}"] .view-of`).textContent();
      assert.equal(await viewOf(waiting), 'In Waiting');
      assert.equal(await viewOf(mine), 'In Mine');
      assert.equal(await viewOf(withBob), 'In Open · Bob');
      assert.equal(await viewOf(resolved), 'In Resolved');
      assert.equal(await row(page, unrelated).count(), 0);
      assert.equal(await page.getByRole('tab', { selected: true }).count(), 0, 'no tab claims to be what is shown');
      await screenshot(page, 'inbox-search-all-views-1280');

      // Choosing a tab ends the search and shows that tab.
      await page.getByRole('tab', { name: /Mine/ }).click();
      assert.equal(await page.getByLabel('Search conversations').inputValue(), '');
      await row(page, mine).waitFor();
      assert.equal(await row(page, waiting).count(), 0);
      await close(context);
    }));

  it('shows the presence of every colleague in the transfer list, live, including one who was online before this agent signed in', () =>
    withScreenshotsOnFailure('inbox-presence', () => pages, async () => {
      const visitor = await newVisitor(server);
      const { id } = await visitor.start();
      await visitor.send(id, 'Can someone transfer me?');

      const bobSide = await open();
      await signIn(bobSide.page, server, server.bob.email);
      // Alice signs in after Bob: no presence event about Bob reaches her until he changes.
      const { context, page } = await open();
      await signIn(page, server, server.alice.email);
      await row(page, id).click();
      const bobOption = page.getByLabel('Transfer to').locator('option', { hasText: 'Bob' });
      await waitFor(async () => (await bobOption.textContent()) === 'Bob · online', { message: 'Bob shown online', timeoutMs: 15_000 });
      assert.equal(await page.getByLabel('Transfer to').locator('option', { hasText: 'Olivia' }).textContent(), 'Olivia Owner · offline');
      await screenshot(page, 'inbox-transfer-presence-1280');

      await bobSide.page.getByRole('button', { name: 'You are online; set yourself away' }).click();
      await waitFor(async () => (await bobOption.textContent()) === 'Bob · away', { message: 'Bob shown away', timeoutMs: 15_000 });
      await bobSide.page.getByRole('button', { name: 'You are away; set yourself online' }).click();
      await waitFor(async () => (await bobOption.textContent()) === 'Bob · online', { message: 'Bob shown online again', timeoutMs: 15_000 });
      await close(bobSide.context);
      await waitFor(async () => (await bobOption.textContent()) === 'Bob · offline', { message: 'Bob shown offline once his dashboard closed', timeoutMs: 15_000 });
      await close(context);
    }));

  it('notifies once for a new conversation, with its first words, and again for a later message', () =>
    withScreenshotsOnFailure('inbox-notify', () => pages, async () => {
      const { context, page } = await open();
      // The tab is in the background with notifications allowed: every notification is counted.
      await context.addInitScript(() => {
        const shown: Array<{ title: string; body: string }> = [];
        (window as any).__notifications = shown;
        Object.defineProperty(document, 'hidden', { get: () => true });
        (window as any).Notification = class {
          static permission = 'granted';
          static requestPermission = async () => 'granted';
          onclick: unknown = null;
          constructor(title: string, options: { body: string }) { shown.push({ title, body: options.body }); }
          close() {}
        };
      });
      await signIn(page, server, server.owner.email);
      const visitor = await newVisitor(server);
      const { id } = await visitor.start();
      await visitor.send(id, 'Hello, is this thing on?');
      await row(page, id).getByText('Hello, is this thing on?').waitFor();
      const shown = () => page.evaluate(() => (window as any).__notifications as Array<{ title: string; body: string }>);
      await waitFor(async () => (await shown()).length > 0, { message: 'a notification' });
      const [first] = await shown();
      assert.equal((await shown()).length, 1);
      // Who wrote, then what: the row's name for the visitor (an anonymous one's short tag).
      assert.equal(first!.title, 'New conversation');
      assert.match(first!.body, /^Visitor [A-Z0-9]{4}: Hello, is this thing on\?$/);

      await visitor.send(id, 'Anyone?');
      await row(page, id).getByText('Anyone?').waitFor();
      await waitFor(async () => (await shown()).length > 1, { message: 'a second notification' });
      assert.deepEqual((await shown()).map((n) => n.title), ['New conversation', 'New message']);
      assert.match((await shown())[1]!.body, /: Anyone\?$/);
      await close(context);
    }));

  it('gives the composer 16 px text on a phone (no zoom on focus) and names the message log and the composer apart', () =>
    withScreenshotsOnFailure('inbox-composer', () => pages, async () => {
      const visitor = await newVisitor(server);
      const { id } = await visitor.start();
      await visitor.send(id, 'Typing from my phone');
      for (const [viewport, extra, size] of [
        [DESKTOP, {}, '14px'],
        [{ width: 390, height: 844 }, { isMobile: true, hasTouch: true, deviceScaleFactor: 3 }, '16px'],
        [{ width: 1024, height: 1366 }, { hasTouch: true, isMobile: true }, '16px'],
      ] as const) {
        const { context, page } = await open(viewport, extra);
        await signIn(page, server, server.alice.email);
        await row(page, id).click();
        const composer = page.getByRole('textbox', { name: 'Reply to the visitor' });
        await composer.waitFor();
        assert.equal(await composer.evaluate((field) => getComputedStyle(field).fontSize), size, `${viewport.width} px`);
        const log = page.getByRole('log');
        assert.equal(await log.count(), 1);
        // Screen readers announce each by its name: two landmarks both called "Message" were the widget's trouble.
        const names = [await log.getAttribute('aria-label'), await composer.getAttribute('aria-label')];
        assert.deepEqual(names, ['Messages', 'Reply to the visitor']);
        if (viewport.width === 390) await screenshot(page, 'inbox-composer-phone');
        await close(context);
      }
    }));

  it('lets each person change their own name and picture, shows the initial when the picture does not load, and visitors see the new name', () =>
    withScreenshotsOnFailure('inbox-profile', () => pages, async () => {
      const { context, page } = await open();
      await signIn(page, server, server.alice.email);
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Account' }).click();
      await page.getByLabel('Your name').fill('Alice Liddell');
      // An https address that answers nothing: the picture fails to load.
      await page.getByLabel(/^Picture/).fill('https://127.0.0.1:9/alice.png');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByText('Saved. Visitors see this beside your replies from now on.').waitFor();
      assert.equal(await page.locator('.me').textContent(), 'Alice Liddell');
      const topAvatar = page.locator('.top-bar .avatar');
      await waitFor(async () => (await topAvatar.getAttribute('data-avatar')) === 'initial', { message: 'the initial in place of the broken picture' });
      assert.equal(await topAvatar.textContent(), 'A');
      assert.equal(await page.locator('img.avatar').count(), 0, 'no broken image anywhere');
      await screenshot(page, 'account-profile-1280');
      const stored = (await server.store.getUser(server.alice.id))!;
      assert.deepEqual([stored.name, stored.avatarUrl], ['Alice Liddell', 'https://127.0.0.1:9/alice.png']);

      const visitor = await newVisitor(server);
      const { id } = await visitor.start();
      await visitor.send(id, 'Who is this?');
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Inbox' }).click();
      await row(page, id).click();
      await page.getByLabel('Reply to the visitor').fill('Alice here.');
      await page.getByLabel('Reply to the visitor').press('Enter');
      const reply = await waitFor(async () => (await visitor.call(`/conversations/${id}/messages`)).body.messages.find((m: { author: string }) => m.author === 'agent'));
      assert.deepEqual(reply.agent, { id: server.alice.id, name: 'Alice Liddell', avatarUrl: 'https://127.0.0.1:9/alice.png' });

      // Clearing the picture and renaming back: null, and the name everywhere again.
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Account' }).click();
      await page.getByLabel('Your name').fill('Alice');
      await page.getByLabel(/^Picture/).fill('');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByText('Saved. Visitors see this beside your replies from now on.').waitFor();
      assert.equal((await server.store.getUser(server.alice.id))!.avatarUrl, null);
      await close(context);
    }));
});
