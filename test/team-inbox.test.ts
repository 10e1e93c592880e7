/**
 * The team inbox end to end (issue 14), in Chromium against a real server: the owner creates
 * labels in Settings, an agent puts one on a conversation from the keyboard and a second agent
 * sees it live, filters the queue by it, and sees the owner's rename live; saved views; a returning
 * visitor's profile and past conversations opened inline without leaving the current one; merging
 * two visitors from the visitor panel while the merged-away browser's stream carries on as the
 * visitor that stays. Screenshots at 1280 and 768 px go to /tmp/shots-F1/ (and test-results/).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, withScreenshotsOnFailure } from './browser.ts';
import { http, loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { ensureDashboardBuilt, signIn } from './settings-helpers.ts';
import type { SseConnection } from './sse-client.ts';
import { Teardown } from './teardown.ts';
import { shot } from './team-inbox-shots.ts';
import { waitFor } from './wait-for.ts';

const DESKTOP = { width: 1280, height: 860 };

const row = (page: Page, conversationId: string) => page.locator(`.queue-list [data-conversation-id="${conversationId}"]`);

/** The whole queue again: no search, no label, the Waiting tab. */
async function everything(page: Page): Promise<void> {
  await page.getByLabel('Search conversations').fill('');
  if (await page.getByLabel('Filter by label').count()) await page.getByLabel('Filter by label').selectOption({ label: 'All labels' });
  await page.getByRole('tab', { name: /Waiting/ }).click();
}

describe('team inbox', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let browser: Browser;
  let owner: Page;
  let alice: Page;
  let bob: Page;
  const streams: SseConnection[] = [];
  const pages = () => [owner, alice, bob].filter(Boolean);

  before(async () => {
    ensureDashboardBuilt();
    server = teardown.add(await startServer(), (running) => running.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
    const contexts: BrowserContext[] = [];
    for (let i = 0; i < 3; i++) {
      const context = await browser.newContext({ viewport: DESKTOP });
      context.setDefaultTimeout(15_000);
      contexts.push(context);
    }
    [owner, alice, bob] = await Promise.all(contexts.map((context) => context.newPage()));
    await Promise.all([signIn(owner, server, 'owner@test.local'), signIn(alice, server, 'alice@test.local'), signIn(bob, server, 'bob@test.local')]);
  });
  after(async () => {
    for (const stream of streams) stream.close();
    await teardown.run();
  });

  let refundConversation: string;
  let otherConversation: string;

  it('lets the owner create labels in Settings, an agent apply one from the keyboard, and another agent see it live and filter by it', () =>
    withScreenshotsOnFailure('team-inbox-labels', pages, async () => {
      const visitor = await newVisitor(server);
      refundConversation = (await visitor.start()).id;
      await visitor.send(refundConversation, 'I want a refund for order #77');
      const other = await newVisitor(server);
      otherConversation = (await other.start()).id;
      await other.send(otherConversation, 'Where is my parcel?');

      await owner.goto(`${server.url}/app/settings/labels`);
      await owner.getByRole('heading', { level: 1, name: 'Labels' }).waitFor();
      for (const [name, color] of [['Refund', '#e03131'], ['VIP', '#2f9e44']] as const) {
        await owner.getByLabel('Name', { exact: true }).fill(name);
        await owner.locator('#new-label-color').fill(color);
        await owner.getByRole('button', { name: 'Add label' }).click();
        await owner.locator('.labels-list').getByText(name, { exact: true }).first().waitFor();
      }
      await owner.getByLabel('Name', { exact: true }).fill('refund');
      await owner.getByRole('button', { name: 'Add label' }).click();
      await owner.getByRole('alert').getByText('A label named “refund” already exists on this site.').waitFor();
      await owner.getByLabel('Name', { exact: true }).fill('');
      await shot(owner, 'settings-labels-1280-light');

      // Alice: open the conversation, press `l`, tick Refund.
      await row(alice, refundConversation).click();
      await alice.getByRole('button', { name: 'Claim' }).waitFor();
      await alice.locator('body').press('l');
      await alice.getByRole('group', { name: 'Labels for this conversation' }).waitFor();
      assert.equal(await alice.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Find a label', 'focus moves into the menu');
      await alice.keyboard.type('ref');
      await alice.keyboard.press('Tab');
      await alice.keyboard.press('Space');
      await alice.locator('.conversation-labels .label-chip').getByText('Refund').waitFor();
      await alice.keyboard.press('Escape');
      await alice.getByRole('group', { name: 'Labels for this conversation' }).waitFor({ state: 'detached' });
      assert.equal(await alice.evaluate(() => document.activeElement?.id), 'labels-button', 'focus returns to the button');

      // Bob sees it on the queue row without reloading, and filters by it.
      await row(bob, refundConversation).locator('.label-chip').getByText('Refund').waitFor();
      await row(bob, otherConversation).waitFor();
      await bob.getByLabel('Filter by label').selectOption({ label: 'Refund' });
      await row(bob, otherConversation).waitFor({ state: 'detached' });
      await row(bob, refundConversation).waitFor();
      await shot(bob, 'queue-label-filter-1280-light');

      // The owner renames it: both agents' dashboards follow.
      const refund = (await server.store.listLabels([server.site.id])).find((l) => l.name === 'Refund')!;
      const edit = owner.locator(`[data-label-row="${refund.id}"]`);
      await edit.getByLabel('Name of Refund').fill('Refunds');
      await edit.getByRole('button', { name: 'Save' }).click();
      await row(bob, refundConversation).locator('.label-chip').getByText('Refunds').waitFor();
      await alice.locator('.conversation-labels .label-chip').getByText('Refunds').waitFor();

      // Alice takes it off with its ×: Bob's filtered queue empties.
      await alice.getByRole('button', { name: 'Remove label Refunds' }).click();
      await row(bob, refundConversation).waitFor({ state: 'detached' });
      await bob.getByText('No conversations here.').or(bob.getByText('Nobody is waiting. Nice work.')).waitFor();
      await alice.locator('body').press('l');
      await alice.getByRole('checkbox', { name: 'Refunds' }).check();
      await row(bob, refundConversation).waitFor();
      await alice.keyboard.press('Escape');
      await bob.getByLabel('Filter by label').selectOption({ label: 'All labels' });
      await row(bob, otherConversation).waitFor();
    }));

  it('saves the current filter as a view and opens it again, after a reload too', () =>
    withScreenshotsOnFailure('team-inbox-views', pages, async () => {
      await bob.getByRole('tab', { name: /Open/ }).click();
      await bob.getByLabel('Filter by label').selectOption({ label: 'Refunds' });
      await bob.getByLabel('Search conversations').fill('refund');
      await row(bob, otherConversation).waitFor({ state: 'detached' });
      await bob.getByRole('button', { name: /Saved views/ }).click();
      await bob.getByPlaceholder('Name, e.g. Refunds').fill('Open refunds');
      await bob.getByRole('button', { name: 'Save view' }).click();
      await bob.getByRole('button', { name: /View: Open refunds/ }).waitFor();
      await shot(bob, 'saved-views-1280-light');

      // Somewhere else entirely, then back through the view.
      await bob.keyboard.press('Escape');
      await bob.getByLabel('Search conversations').fill('');
      await bob.getByLabel('Filter by label').selectOption({ label: 'All labels' });
      await bob.getByRole('tab', { name: /Waiting/ }).click();
      await bob.getByRole('button', { name: 'Saved views' }).waitFor();
      await bob.reload();
      await bob.locator('[data-state="live"]').waitFor();
      await bob.getByRole('button', { name: 'Saved views' }).click();
      await bob.getByRole('button', { name: /^Open refunds/ }).click();
      await bob.getByRole('button', { name: /View: Open refunds/ }).waitFor();
      assert.equal(await bob.getByLabel('Search conversations').inputValue(), 'refund');
      assert.equal(await bob.getByLabel('Filter by label').evaluate((select: HTMLSelectElement) => select.selectedOptions[0]!.textContent), 'Refunds');
      await row(bob, refundConversation).waitFor();
      await waitFor(async () => (await bob.locator('.queue-list .queue-item').count()) === 1, { message: 'only the view\'s conversation' });
      // Alice has views of her own.
      await alice.getByRole('button', { name: 'Saved views' }).click();
      await alice.getByText('No saved views yet.', { exact: false }).waitFor();
      await alice.keyboard.press('Escape');
    }));

  it('shows a returning visitor\'s profile and earlier conversations, each readable inline without leaving the current one', () =>
    withScreenshotsOnFailure('team-inbox-history', pages, async () => {
      await everything(alice);
      const visitor = await newVisitor(server);
      await visitor.call('/visitor', { method: 'PATCH', json: { name: 'Maria Returning' } });
      const first = await visitor.start();
      await visitor.send(first.id, 'My first question, in March');
      const agent = await loginAgent(server, 'alice@test.local');
      await agent.send(first.id, 'Answered back then');
      await agent.call(`/conversations/${first.id}/resolve`, { method: 'POST', json: {} });
      // Back another day, on another page.
      await http(`${visitor.base}/session`, { method: 'POST', headers: visitor.auth, json: { context: { url: 'http://localhost:5555/checkout?cart=9', title: 'Checkout' } } });
      const second = await visitor.start();
      await visitor.send(second.id, 'Hi again, about my new order');

      await row(alice, second.id).click();
      const panel = alice.getByRole('complementary', { name: 'Visitor details' });
      await panel.getByRole('heading', { name: 'Conversations (2)' }).waitFor();
      await panel.getByRole('list', { name: 'Pages' }).getByRole('link', { name: 'Checkout' }).waitFor();
      await panel.getByRole('list', { name: 'Pages' }).getByRole('link', { name: 'Pricing' }).waitFor();
      const past = panel.locator(`[data-past-id="${first.id}"]`);
      await past.getByRole('button').first().click();
      await past.locator('.past-log').getByText('My first question, in March').waitFor();
      await past.locator('.past-log').getByText('Answered back then').waitFor();
      // Still on the current conversation.
      assert.ok(alice.url().endsWith(`/app/c/${second.id}`));
      await alice.getByRole('log').getByText('Hi again, about my new order').waitFor();
      await shot(alice, 'visitor-history-1280-light');

      await past.getByRole('button', { name: 'Open this conversation' }).click();
      await alice.getByRole('log').getByText('My first question, in March').waitFor();
      await panel.locator(`[data-past-id="${first.id}"]`).getByText('This conversation').waitFor();
      // And back, from the same list.
      await panel.locator(`[data-past-id="${second.id}"]`).getByRole('button').first().click();
      await panel.locator(`[data-past-id="${second.id}"]`).getByRole('button', { name: 'Open this conversation' }).click();
      await alice.getByRole('log').getByText('Hi again, about my new order').waitFor();
      assert.ok(alice.url().endsWith(`/app/c/${second.id}`));
    }));

  it('merges two visitors from the visitor panel; every dashboard follows, and the other browser carries on as the visitor that stays', () =>
    withScreenshotsOnFailure('team-inbox-merge', pages, async () => {
      await Promise.all([everything(alice), everything(bob)]);
      const laptop = await newVisitor(server);
      await laptop.call('/visitor', { method: 'PATCH', json: { name: 'Jonas Berg' } });
      const laptopConversation = await laptop.start();
      await laptop.send(laptopConversation.id, 'Laptop: my invoice is wrong');
      const phone = await newVisitor(server);
      await phone.call('/visitor', { method: 'PATCH', json: { email: 'jonas@example.com' } });
      const phoneConversation = await phone.start();
      await phone.send(phoneConversation.id, 'Phone: following up on the invoice');
      const phoneStream = await phone.stream(phone.cursor);
      streams.push(phoneStream);
      await phoneStream.until((e) => e.event === 'availability');

      await row(alice, laptopConversation.id).click();
      const panel = alice.getByRole('complementary', { name: 'Visitor details' });
      await panel.getByRole('heading', { name: 'Conversations (1)' }).waitFor();
      await panel.getByRole('button', { name: 'Merge with another visitor…' }).click();
      const dialog = alice.getByRole('dialog', { name: /Merge Jonas Berg/ });
      await dialog.getByLabel('Find the other visitor').fill('jonas@example.com');
      await dialog.getByRole('radio', { name: /jonas@example\.com/ }).check();
      await dialog.getByText(/conversations move to Jonas Berg/).waitFor();
      await shot(alice, 'merge-dialog-1280-light');
      await dialog.getByRole('button', { name: 'Merge' }).click();
      await dialog.waitFor({ state: 'detached' });

      await panel.getByRole('heading', { name: 'Conversations (2)' }).waitFor();
      await panel.getByText('jonas@example.com').waitFor();
      // Bob's queue names the phone's conversation after the visitor it belongs to now.
      await row(bob, phoneConversation.id).getByText('Jonas Berg').waitFor();
      // The phone's open stream was told to reconnect; as Jonas it continues where it was.
      const goodbye = await phoneStream.until((e) => e.event === 'goodbye');
      assert.equal(goodbye.data.reason, 'changed');
      const resumed = await phone.stream(phoneStream.events.filter((e) => e.id).at(-1)?.id ?? phone.cursor);
      streams.push(resumed);
      await alice.getByLabel('Reply to the visitor').fill('Both your messages are here, Jonas.');
      await alice.getByLabel('Reply to the visitor').press('Enter');
      await row(alice, phoneConversation.id).click();
      await alice.getByRole('log').getByText('Phone: following up on the invoice').waitFor();
      await alice.getByLabel('Reply to the visitor').fill('Answering the phone too.');
      await alice.getByLabel('Reply to the visitor').press('Enter');
      await resumed.until((e) => e.event === 'message' && e.data.message.body === 'Answering the phone too.');
      assert.equal((await phone.send(phoneConversation.id, 'Thanks!')).status, 200);
      await alice.getByRole('log').getByText('Thanks!').waitFor();
    }));
});
