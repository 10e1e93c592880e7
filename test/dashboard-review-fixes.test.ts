/**
 * What the review of issue 14's dashboard work fixed, end to end in Chromium with a real server:
 * the owner's Agents page says who is there as it is now (the status they chose and whether a
 * dashboard of theirs is connected, live), not the status stored at their last change; and a saved
 * view that names a tab and a search shows that tab's hits only — while a search typed in the box
 * still looks in every view. Screenshots at 1280 and 768 px under test-results/screenshots.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, withScreenshotsOnFailure } from './browser.ts';
import { loginAgent, newVisitor, startServer, type TestServer } from './harness.ts';
import { ensureDashboardBuilt, signIn } from './settings-helpers.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

const DESKTOP = { width: 1280, height: 800 };
const TABLET = { width: 768, height: 1024 };

describe('dashboard review fixes (issue 14)', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let browser: Browser;
  const pages: Page[] = [];

  before(async () => {
    ensureDashboardBuilt();
    // A short presence grace, so a closed dashboard counts as gone within the test's patience.
    server = teardown.add(await startServer({ presenceGraceMs: 500 }), (running) => running.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
  });
  after(() => teardown.run());

  async function open(email: string, path = '/app/', viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
    const context = teardown.add(await browser.newContext({ viewport }), (c) => c.close());
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    pages.push(page);
    await signIn(page, server, email, path);
    return { context, page };
  }

  it('shows on the Agents page who is online, away or offline now, and follows as it changes', () =>
    withScreenshotsOnFailure('review-agents-presence', () => pages, async () => {
      // Bob set himself away in an earlier session and is back online now; Alice chose online but has no dashboard open.
      const bobApi = await loginAgent(server, 'bob@test.local');
      await bobApi.call('/presence', { method: 'POST', json: { status: 'away' } });
      const bob = await open('bob@test.local');
      await bob.page.getByRole('button', { name: 'You are away; set yourself online' }).click();
      const { page } = await open('owner@test.local', '/app/settings/agents');
      const state = (email: string) => page.locator(`tr[data-user="${email}"] .pill`);
      await waitFor(async () => (await state('bob@test.local').textContent()) === 'Online', { message: 'Bob online', timeoutMs: 15_000 });
      assert.equal(await state('alice@test.local').textContent(), 'Offline', 'no dashboard of hers is open');
      assert.equal(await state('owner@test.local').textContent(), 'Online', 'the owner, here');
      await screenshot(page, 'review-agents-presence-1280');

      await bob.page.getByRole('button', { name: 'You are online; set yourself away' }).click();
      await waitFor(async () => (await state('bob@test.local').textContent()) === 'Away', { message: 'Bob away, live', timeoutMs: 15_000 });
      await bob.context.close();
      await waitFor(async () => (await state('bob@test.local').textContent()) === 'Offline', { message: 'Bob offline once his dashboard closed', timeoutMs: 15_000 });
      await page.setViewportSize(TABLET);
      await screenshot(page, 'review-agents-presence-768');
    }));

  it('searches only a saved view\'s tab when it names one, and every view when the search is typed', () =>
    withScreenshotsOnFailure('review-saved-search', () => pages, async () => {
      const alice = await loginAgent(server, 'alice@test.local');
      const bob = await loginAgent(server, 'bob@test.local');
      const started: string[] = [];
      for (const [who, words] of [[alice, 'refund for my boots'], [bob, 'refund for my tent'], [null, 'refund, nobody has it yet']] as const) {
        const visitor = await newVisitor(server);
        const { id } = await visitor.start();
        await visitor.send(id, words);
        if (who) await who.call(`/conversations/${id}/claim`, { method: 'POST' });
        started.push(id);
      }
      const [alices, bobs, waiting] = started as [string, string, string];
      const saved = await alice.call('/views', { method: 'POST', json: { name: 'My refunds', filter: { view: 'mine', labelId: null, q: 'refund' } } });
      assert.equal(saved.status, 200);

      const { page } = await open('alice@test.local');
      const rows = () => page.locator('.queue-list .queue-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-conversation-id')));
      await page.getByRole('button', { name: 'Saved views' }).click();
      await page.getByRole('button', { name: /^My refunds/ }).click();
      await page.getByRole('button', { name: 'View: My refunds' }).waitFor();
      await waitFor(async () => JSON.stringify(await rows()) === JSON.stringify([alices]), { message: 'only Alice\'s own refund' });
      await page.getByRole('status').getByText('1 result in Mine').waitFor();
      assert.equal(await page.getByRole('tab', { name: /Mine/ }).getAttribute('aria-selected'), 'true');
      await screenshot(page, 'review-saved-search-1280');

      // Typing a search looks everywhere again, whatever the view was.
      await page.getByLabel('Search conversations').fill('refund for');
      await waitFor(async () => (await rows()).length === 2, { message: 'both "refund for" conversations, Bob\'s too' });
      assert.deepEqual((await rows()).sort(), [alices, bobs].sort());
      await page.getByRole('status').getByText('2 results in all conversations').waitFor();
      assert.equal(await page.getByRole('tab', { name: /Mine/ }).getAttribute('aria-selected'), 'false');
      await page.getByLabel('Search conversations').fill('refund');
      await waitFor(async () => (await rows()).length === 3, { message: 'every refund, the waiting one too' });
      assert.ok((await rows()).includes(waiting));
      await page.setViewportSize(TABLET);
      await screenshot(page, 'review-saved-search-768');
    }));
});
