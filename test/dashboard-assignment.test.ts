/**
 * Assignment in the dashboard, end to end in Chromium (issue 14): round-robin with two agents
 * online and one at capacity (the new conversation goes to the other; with both at capacity it
 * waits; when one frees a slot it goes to them), a transfer telling its receiver (toast and
 * desktop notification), a team's conversation in its member's queue, and an unanswered
 * conversation highlighted and notified — its time moved by the server's injected clock.
 * Screenshots of the owner's pages and the queue at 1280 and 768 px.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { UNANSWERED_CHECK_MS } from '../server/assign/unanswered-alerts.ts';
import { launchBrowser, screenshot, withScreenshotsOnFailure } from './browser.ts';
import { loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { ensureDashboardBuilt, signIn } from './settings-helpers.ts';
import { createManualClock } from './support/manual-clock.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

const DESKTOP = { width: 1280, height: 800 };
const TABLET = { width: 768, height: 1024 };

/**
 * Headless Chromium shows no desktop notifications: record each one the page makes (the real
 * constructor still runs), and let the test say whether the tab is hidden, which is when the
 * dashboard shows them.
 */
const RECORD_NOTIFICATIONS = () => {
  const w = window as any;
  w.__notes = [];
  w.__hidden = false;
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => w.__hidden === true });
  const Real = w.Notification;
  if (!Real) return;
  const Recording = function (this: unknown, title: string, options?: NotificationOptions) {
    w.__notes.push({ title, body: options?.body ?? '' });
    return new Real(title, options);
  } as any;
  Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
  Recording.requestPermission = (...args: unknown[]) => Real.requestPermission(...args);
  w.Notification = Recording;
};
const notes = (page: Page) => page.evaluate(() => (window as any).__notes as Array<{ title: string; body: string }>);
const row = (page: Page, id: string) => page.locator(`[data-conversation-id="${id}"]`);
const toast = (page: Page, text: string | RegExp) => page.locator('.toast').getByText(text);

async function agentPage(browser: Browser, server: TestServer, email: string, contexts: BrowserContext[]): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP });
  contexts.push(context);
  context.setDefaultTimeout(15_000);
  await context.grantPermissions(['notifications'], { origin: server.url });
  await context.addInitScript(RECORD_NOTIFICATIONS);
  const page = await context.newPage();
  await signIn(page, server, email);
  return page;
}

describe('assignment in the dashboard', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: Page;
  let bob: Page;
  const pages = () => [alice, bob].filter(Boolean);

  before(async () => {
    ensureDashboardBuilt();
    server = teardown.add(await startServer(), (running) => running.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
    alice = await agentPage(browser, server, 'alice@test.local', contexts);
    bob = await agentPage(browser, server, 'bob@test.local', contexts);
    await waitFor(() => server.app.services.presence.onlineAgents(server.site.id).length === 2, { message: 'both agents online' });
  });
  after(() => teardown.run());

  it('round-robin with one agent at capacity gives the new conversation to the other, waits when both are full, and gives it to the first to free a slot', () =>
    withScreenshotsOnFailure('assignment-round-robin', pages, async () => {
      const owner = await loginAgent(server, 'owner@test.local');
      // Alice has one conversation already, claimed by hand while the site was manual.
      const visitor = await newVisitor(server);
      const first = (await visitor.start()).id;
      await visitor.send(first, 'My order never came');
      await row(alice, first).click();
      await alice.getByRole('button', { name: 'Claim' }).click();
      await alice.getByText('Yours').waitFor();
      const set = await owner.admin(`/sites/${server.site.id}/assignment`, {
        method: 'PATCH', json: { rule: 'round-robin', capacities: { [server.alice.id]: 1, [server.bob.id]: 1 } },
      });
      assert.equal(set.status, 200);

      const other = await newVisitor(server);
      const second = (await other.start()).id;
      await other.send(second, 'Do you ship to Norway?');
      await toast(bob, /A conversation was assigned to you/).waitFor();
      assert.equal((await server.store.getConversation(second))!.assignee?.name, 'Bob', 'Alice is at capacity');
      await bob.getByRole('tab', { name: /Mine/ }).click();
      await row(bob, second).waitFor();

      const third = (await other.start()).id;
      await other.send(third, 'Anyone there?');
      await bob.getByRole('tab', { name: /Waiting/ }).click();
      await row(alice, third).waitFor();
      await row(bob, third).waitFor();
      await server.app.services.assigner.settled();
      assert.equal((await server.store.getConversation(third))!.status, 'waiting', 'both at capacity: it waits');

      // Alice resolves hers: the waiting one is hers at once.
      await alice.getByRole('tab', { name: /Mine/ }).click();
      await row(alice, first).click();
      await alice.getByRole('button', { name: 'Resolve' }).click();
      await toast(alice, /A conversation was assigned to you/).waitFor();
      assert.equal((await server.store.getConversation(third))!.assignee?.name, 'Alice');
      await row(alice, third).waitFor();
      await row(bob, third).waitFor({ state: 'detached' });
    }));

  it('tells the agent a new conversation is given to once, with its first words, and the colleague nothing', () =>
    withScreenshotsOnFailure('assignment-new-once', pages, async () => {
      const owner = await loginAgent(server, 'owner@test.local');
      await owner.admin(`/sites/${server.site.id}/assignment`, { method: 'PATCH', json: { capacities: { [server.alice.id]: null, [server.bob.id]: null } } });
      const hide = (page: Page, hidden: boolean) => page.evaluate((value) => {
        (window as any).__hidden = value;
        (window as any).__notes = [];
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
      await Promise.all([hide(alice, true), hide(bob, true)]);
      const visitor = await newVisitor(server);
      const { id } = await visitor.start();
      await visitor.send(id, 'Hello, my parcel is late');
      // Round-robin: the last one went to Alice, so this one is Bob's.
      await waitFor(async () => (await server.store.getConversation(id))?.assignee?.name === 'Bob', { message: 'Bob has it' });
      // A later message is the marker: everything about the start has been told by the time it is.
      await waitFor(async () => (await notes(bob)).length > 0, { message: 'Bob told' });
      await visitor.send(id, 'Order 7731');
      await waitFor(async () => (await notes(bob)).some((n) => n.title === 'New message'), { message: 'the later message told' });
      const told = await notes(bob);
      assert.deepEqual(told.map((n) => n.title), ['A conversation was assigned to you', 'New message'], 'created, given, first words: one notification');
      assert.match(told[0]!.body, /Hello, my parcel is late/);
      // Alice's marker: the next new conversation is hers; nothing came before it of Bob's.
      const next = await newVisitor(server);
      const theirs = (await next.start()).id;
      await next.send(theirs, 'Do you have size 44?');
      await waitFor(async () => (await notes(alice)).length > 0, { message: 'Alice told of hers' });
      assert.deepEqual((await notes(alice)).map((n) => n.title), ['A conversation was assigned to you'], 'nothing of Bob\'s new conversation');
      assert.match((await notes(alice))[0]!.body, /size 44/);
      await Promise.all([hide(alice, false), hide(bob, false)]);
      await owner.admin(`/sites/${server.site.id}/assignment`, { method: 'PATCH', json: { capacities: { [server.alice.id]: 1, [server.bob.id]: 1 } } });
    }));

  it('tells the agent a conversation is transferred to: a toast, and a desktop notification while the tab is hidden', () =>
    withScreenshotsOnFailure('assignment-transfer', pages, async () => {
      // No limits now: the turn alone decides.
      const owner = await loginAgent(server, 'owner@test.local');
      await owner.admin(`/sites/${server.site.id}/assignment`, { method: 'PATCH', json: { capacities: { [server.alice.id]: null, [server.bob.id]: null } } });
      const visitor = await newVisitor(server);
      const { id } = await visitor.start();
      await visitor.send(id, 'I need a refund for order 5521');
      // Round-robin gives it to one of them (which one depends on the turn, which the periodic
      // sweep may also have moved): that one passes it to the other.
      const holder = await waitFor(async () => (await server.store.getConversation(id))?.assignee?.name, { message: 'someone has it' });
      const [giver, receiver, receiverId] = holder === 'Bob' ? [bob, alice, server.alice.id] : [alice, bob, server.bob.id];
      await giver.getByRole('tab', { name: /Mine/ }).click();
      await row(giver, id).click();
      await receiver.evaluate(() => { (window as any).__hidden = true; document.dispatchEvent(new Event('visibilitychange')); });

      await giver.getByLabel('Transfer to').selectOption(receiverId);
      await giver.getByRole('button', { name: 'Transfer' }).click();
      // Told who passed it, even when the rule gave it to the passer a moment before (the
      // notifier once kept the rule's "assigned to you" then: dashboard/live/conversation-news.ts).
      const told = new RegExp(`^${holder} passed you a conversation`);
      await toast(receiver, told).waitFor();
      const desktop = await waitFor(async () => (await notes(receiver)).find((n) => told.test(n.title) && /refund for order 5521/.test(n.body)), { message: 'a desktop notification' });
      assert.match(desktop.body, /refund for order 5521/);
      assert.equal((await notes(giver)).filter((n) => /passed/.test(n.title)).length, 0, 'the sender is told nothing');
      await receiver.evaluate(() => { (window as any).__hidden = false; document.dispatchEvent(new Event('visibilitychange')); });
      await screenshot(receiver, 'assignment-transfer-toast-1280');
    }));

  it('passes a conversation to a team: its member is told and sees the team on it', () =>
    withScreenshotsOnFailure('assignment-team', pages, async () => {
      const owner = await loginAgent(server, 'owner@test.local');
      const team = (await owner.admin(`/sites/${server.site.id}/teams`, { method: 'POST', json: { name: 'Billing', memberIds: [server.bob.id] } })).body.team;
      assert.ok(team?.id);
      // Alice works the one she was just given; she passes it to Billing, and Bob (who has room) gets it.
      const [mine] = (await server.store.listConversations({ siteIds: [server.site.id], view: 'mine', userId: server.alice.id, limit: 10 }));
      assert.ok(mine, 'Alice has a conversation');
      await alice.getByRole('tab', { name: /Mine/ }).click();
      await row(alice, mine.id).click();
      await alice.getByLabel('Transfer to').locator('option', { hasText: 'Billing' }).waitFor({ state: 'attached' });
      await alice.getByLabel('Transfer to').selectOption(`team:${team.id}`);
      await alice.getByRole('button', { name: 'Transfer' }).click();
      await toast(bob, /Alice passed you a conversation/).waitFor();
      const moved = (await server.store.getConversation(mine.id))!;
      assert.deepEqual([moved.assignee?.name, moved.team?.name], ['Bob', 'Billing']);
      await bob.getByRole('tab', { name: /Mine/ }).click();
      await row(bob, mine.id).locator('.team-badge').getByText('Billing').waitFor();
      await screenshot(bob, 'assignment-queue-team-1280');
    }));

  it('shows the owner the rule, capacities and teams (screenshots at 1280 and 768 px)', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    contexts.push(context);
    const owner = await loginAgent(server, 'owner@test.local');
    // Away: an owner looking at settings is not one the rule should give conversations to.
    await owner.call('/presence', { method: 'POST', json: { status: 'away' } });
    await owner.admin(`/sites/${server.site.id}/assignment`, { method: 'PATCH', json: { capacities: { [server.alice.id]: 2 } } });
    const page = await context.newPage();
    await signIn(page, server, 'owner@test.local', '/app/settings/assignment');
    await page.getByRole('radio', { name: /Round-robin/ }).waitFor();
    assert.equal(await page.getByRole('radio', { name: /Round-robin/ }).isChecked(), true);
    assert.equal(await page.getByLabel('Capacity of Alice').inputValue(), '2');
    assert.equal(await page.getByLabel('Capacity of Bob').inputValue(), '', 'no limit');
    await page.getByRole('checkbox', { name: /Alert when a conversation waits longer than/ }).check();
    await page.getByLabel('Minutes before an alert').fill('3');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.save-status.saved').waitFor();
    assert.equal((await server.store.getAssignmentSettings(server.site.id)).unansweredAfterSeconds, 180);
    await page.getByRole('heading', { name: 'Assignment', level: 1 }).scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-assignment-1280');
    await page.setViewportSize(TABLET);
    await screenshot(page, 'settings-assignment-768');

    await page.setViewportSize(DESKTOP);
    await page.getByRole('link', { name: 'Teams' }).click();
    await page.getByRole('form', { name: 'Team Billing' }).waitFor();
    await page.getByRole('form', { name: 'New team' }).getByLabel('Name').fill('Tier 2');
    await page.getByRole('form', { name: 'New team' }).getByRole('checkbox', { name: 'Alice' }).check();
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('form', { name: 'Team Tier 2' }).waitFor();
    assert.deepEqual((await server.store.listTeams([server.site.id])).map((t) => [t.name, t.memberIds]), [['Billing', [server.bob.id]], ['Tier 2', [server.alice.id]]]);
    await screenshot(page, 'settings-teams-1280');
    await page.setViewportSize(TABLET);
    await screenshot(page, 'settings-teams-768');
    // Owners can see the page is not scrolled sideways.
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scrolling at 768 px');
  });
});

describe('an unanswered conversation in the dashboard', () => {
  const teardown = new Teardown();
  // The server's time only moves when the test says; it starts now, so wait times read sensibly.
  const clock = createManualClock(Date.now());
  let server: TestServer;
  let page: Page;

  before(async () => {
    ensureDashboardBuilt();
    server = teardown.add(await startServer({ clock }), (running) => running.close());
    const browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
    const contexts: BrowserContext[] = [];
    page = await agentPage(browser, server, 'alice@test.local', contexts);
  });
  after(() => teardown.run());

  it('is highlighted and notified once the site\'s threshold passes, and again only a period later', () =>
    withScreenshotsOnFailure('assignment-unanswered', () => [page], async () => {
      const owner = await loginAgent(server, 'owner@test.local');
      await owner.admin(`/sites/${server.site.id}/assignment`, { method: 'PATCH', json: { unansweredAfterSeconds: 60 } });
      const visitor = await newVisitor(server);
      const calm = (await visitor.start()).id;
      await visitor.send(calm, 'Just browsing');
      const { id } = await visitor.start();
      await visitor.send(id, 'Hello? I have been waiting');
      await row(page, id).waitFor();
      const wait = async (ms: number) => {
        for (let waited = 0; waited < ms; waited += UNANSWERED_CHECK_MS) {
          clock.advance(UNANSWERED_CHECK_MS);
          await server.app.services.assigner.settled();
        }
      };
      await wait(55_000);
      assert.equal(await row(page, id).evaluate((el) => el.classList.contains('overdue')), false, 'not yet a minute');
      // The calm one is answered just in time.
      await row(page, calm).click();
      await page.getByRole('button', { name: 'Claim' }).click();
      await page.getByText('Yours').waitFor();
      await page.getByRole('tab', { name: /Waiting/ }).click();

      await wait(10_000);
      await row(page, id).and(page.locator('.overdue')).waitFor();
      await row(page, id).getByText('Unanswered').waitFor();
      await toast(page, /Still unanswered/).waitFor();
      assert.equal((await notes(page)).length, 0, 'visible tab: a toast, no desktop notification');
      assert.equal((await server.store.getConversation(calm))!.unansweredAlerts, 0, 'the answered one is not alerted');
      await screenshot(page, 'assignment-queue-unanswered-1280');

      // Loaded afresh (at tablet width, the queue alone), it is still highlighted: the server keeps the count.
      await page.setViewportSize(TABLET);
      await page.goto(`${server.url}/app/`);
      await row(page, id).and(page.locator('.overdue')).waitFor();
      await screenshot(page, 'assignment-queue-unanswered-768');
      await page.setViewportSize(DESKTOP);
      await page.evaluate(() => { (window as any).__hidden = true; document.dispatchEvent(new Event('visibilitychange')); });
      await wait(30_000);
      assert.equal((await notes(page)).length, 0, 'no new period yet: nothing again');
      await wait(30_000);
      const again = await waitFor(async () => (await notes(page)).find((n) => n.title === 'Still unanswered'), { message: 'the next period\'s notification' });
      assert.match(again.body, /waited 2 min/);
      assert.equal((await notes(page)).length, 1);
    }));
});
