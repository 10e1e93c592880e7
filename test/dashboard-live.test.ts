/**
 * The agent dashboard end to end: two agents in two browser contexts, one visitor over the widget
 * API, a real server. Covers issue 4's list: live queue, claim race, join message, internal notes,
 * a server restart mid-conversation, and replies typed offline.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, withScreenshotsOnFailure } from './browser.ts';
import { newVisitor, PASSWORD, startServer, type TestServer } from './harness.ts';
import type { SseConnection } from './sse-client.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

const DESKTOP = { width: 1280, height: 800 };

function ensureBuilt(): void {
  if (existsSync('dist/dashboard/index.html')) return;
  const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'dashboard/vite.config.ts'], { stdio: 'inherit', timeout: 120_000 });
  assert.equal(result.status, 0, 'building the dashboard failed');
}

async function signIn(page: Page, server: TestServer, email: string): Promise<void> {
  await page.goto(`${server.url}/app/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('tab', { name: /Waiting/ }).waitFor();
  await page.locator('[data-state="live"]').waitFor();
}

const row = (page: Page, conversationId: string) => page.locator(`[data-conversation-id="${conversationId}"]`);

describe('agent dashboard', () => {
  let server: TestServer;
  let browser: Browser;
  let contexts: BrowserContext[] = [];
  let alice: Page;
  let bob: Page;
  const streams: SseConnection[] = [];
  const pages = () => [alice, bob].filter(Boolean);
  const teardown = new Teardown();

  before(async () => {
    ensureBuilt();
    server = teardown.add(await startServer(), (running) => running.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
    contexts = [await browser.newContext({ viewport: DESKTOP }), await browser.newContext({ viewport: DESKTOP })];
    for (const context of contexts) context.setDefaultTimeout(10_000);
    [alice, bob] = [await contexts[0]!.newPage(), await contexts[1]!.newPage()];
    await Promise.all([signIn(alice, server, 'alice@test.local'), signIn(bob, server, 'bob@test.local')]);
  });

  after(async () => {
    for (const stream of streams) stream.close();
    await teardown.run();
  });

  it('shows a new conversation in both queues without reload, and tells the loser of a claim race who won', () =>
    withScreenshotsOnFailure('claim-race', pages, async () => {
      const visitor = await newVisitor(server);
      const stream = await visitor.stream(visitor.cursor);
      streams.push(stream);
      const { id } = await visitor.start();
      await visitor.send(id, 'Hi, my order #1234 never arrived');

      await Promise.all([row(alice, id).waitFor(), row(bob, id).waitFor()]);
      await assert.doesNotReject(row(alice, id).getByText('my order #1234').waitFor());
      await screenshot(alice, 'dashboard-queue-1280');

      await Promise.all([row(alice, id).click(), row(bob, id).click()]);
      await Promise.all([alice.getByRole('button', { name: 'Claim' }).waitFor(), bob.getByRole('button', { name: 'Claim' }).waitFor()]);
      // Both click within the same few milliseconds, before either hears of the other's claim:
      // a Playwright click waits for stability and could let the stream's update win instead.
      const clickClaim = (page: Page) => page.getByRole('button', { name: 'Claim' }).evaluate((button: HTMLElement) => button.click());
      await Promise.all([clickClaim(alice), clickClaim(bob)]);

      // The clicks only dispatch; wait until one claim is stored before asking who won.
      const winner = await waitFor(async () => (await server.store.getConversation(id))!.assignee, { message: 'one of the claims to be stored' });
      const [won, lost] = winner.name === 'Alice' ? [alice, bob] : [bob, alice];
      await won.getByText('Yours').waitFor();
      await lost.getByRole('alert').getByText(`${winner.name} has already taken this conversation.`).waitFor();
      await lost.getByText(`With ${winner.name}`).waitFor();

      const joined = await stream.until((event) => event.event === 'message' && event.data.message.system?.kind === 'joined');
      assert.equal(joined.data.message.system.agentName, winner.name);
      const joinedCount = stream.events.filter((event) => event.event === 'message' && event.data.message.system?.kind === 'joined').length;
      assert.equal(joinedCount, 1);
    }));

  it('keeps internal notes from the visitor while delivering replies', () =>
    withScreenshotsOnFailure('internal-note', pages, async () => {
      const visitor = await newVisitor(server);
      const stream = await visitor.stream(visitor.cursor);
      streams.push(stream);
      const { id } = await visitor.start();
      await visitor.send(id, 'Can I change my delivery address?');
      await row(alice, id).click();
      await alice.getByRole('button', { name: 'Claim' }).click();
      await alice.getByText('Yours').waitFor();

      await alice.getByRole('radio', { name: 'Internal note' }).click();
      await alice.getByLabel('Internal note (only agents see it)').fill('Customer is on the VIP plan — be generous');
      await alice.getByRole('button', { name: 'Add note' }).click();
      await alice.locator('.bubble-row.note:not(.pending)').getByText('be generous').waitFor();

      await alice.getByRole('radio', { name: 'Reply' }).click();
      await alice.getByLabel('Reply to the visitor').fill('Of course — what is the new address?');
      await alice.getByLabel('Reply to the visitor').press('Enter');
      await stream.until((event) => event.event === 'message' && event.data.message.body.startsWith('Of course'));
      await alice.locator('.bubble-row:not(.pending)').getByText('Of course').waitFor();

      const history = await visitor.call(`/conversations/${id}/messages`);
      assert.equal(history.status, 200);
      const bodies: string[] = history.body.messages.map((message: { body: string }) => message.body);
      assert.ok(bodies.includes('Of course — what is the new address?'));
      assert.ok(!bodies.some((body) => body.includes('VIP')), 'the note is not in the visitor history');
      assert.ok(!stream.events.some((event) => JSON.stringify(event.data).includes('VIP')), 'the note never went down the visitor stream');
      await screenshot(alice, 'dashboard-conversation-1280');
    }));

  it('shows reconnecting during a server restart, then catches up without reload or duplicates', () =>
    withScreenshotsOnFailure('restart', pages, async () => {
      const visitor = await newVisitor(server);
      const { id } = await visitor.start();
      await visitor.send(id, 'Before the restart');
      await row(bob, id).click();
      await bob.locator('.bubble-row').getByText('Before the restart').waitFor();
      await bob.evaluate(() => ((window as any).__sameDocument = true));

      await server.restart();
      await bob.locator('[data-state="reconnecting"]').waitFor();
      await screenshot(bob, 'dashboard-reconnecting-1280');
      await visitor.send(id, 'Sent while you were away 1');
      await visitor.send(id, 'Sent while you were away 2');

      await bob.locator('[data-state="live"]').waitFor({ timeout: 15_000 });
      await bob.locator('.bubble-row').getByText('Sent while you were away 2').waitFor();
      const texts = await bob.locator('.bubble-row.theirs .text').allTextContents();
      assert.deepEqual(texts, ['Before the restart', 'Sent while you were away 1', 'Sent while you were away 2']);
      assert.equal(await bob.evaluate(() => (window as any).__sameDocument), true, 'the page was not reloaded');
      // New events after the restart still arrive live.
      await visitor.send(id, 'After the restart');
      await bob.locator('.bubble-row').getByText('After the restart').waitFor();
      assert.equal(await bob.locator('.bubble-row.theirs').count(), 4);
    }));

  it('delivers two replies typed offline exactly once and in order after coming back online', () =>
    withScreenshotsOnFailure('offline', pages, async () => {
      const visitor = await newVisitor(server);
      const stream = await visitor.stream(visitor.cursor);
      streams.push(stream);
      const { id } = await visitor.start();
      await visitor.send(id, 'Anyone there?');
      await row(alice, id).click();
      await alice.getByRole('button', { name: 'Claim' }).click();
      await alice.getByText('Yours').waitFor();

      await contexts[0]!.setOffline(true);
      await alice.locator('[data-state="offline"]').getByText('Offline — replies will be sent when you’re back').waitFor();
      const composer = alice.getByLabel('Reply to the visitor');
      await composer.fill('First reply, typed offline');
      await composer.press('Enter');
      await composer.fill('Second reply, typed offline');
      await composer.press('Enter');
      await alice.locator('.bubble-row.pending').nth(1).waitFor();
      await screenshot(alice, 'dashboard-offline-1280');

      await contexts[0]!.setOffline(false);
      await stream.until((event) => event.event === 'message' && event.data.message.body === 'Second reply, typed offline', 15_000);
      await alice.locator('.bubble-row.pending').first().waitFor({ state: 'detached' });
      const replies = stream.events
        .filter((event) => event.event === 'message' && event.data.message.author === 'agent')
        .map((event) => event.data.message.body);
      assert.deepEqual(replies, ['First reply, typed offline', 'Second reply, typed offline']);
      const history = await visitor.call(`/conversations/${id}/messages`);
      const agentBodies = history.body.messages.filter((m: { author: string }) => m.author === 'agent').map((m: { body: string }) => m.body);
      assert.deepEqual(agentBodies, ['First reply, typed offline', 'Second reply, typed offline']);
    }));
});
