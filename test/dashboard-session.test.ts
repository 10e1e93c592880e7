/**
 * The dashboard around the conversation: session expiry back to login with the draft kept, the
 * keyboard, unread counts in the tab title, and the layout at tablet widths (screenshots).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { sha256 } from '../server/auth/secrets.ts';
import { launchBrowser, screenshot, withScreenshotsOnFailure } from './browser.ts';
import { newVisitor, PASSWORD, startServer, type TestServer } from './harness.ts';
import { Teardown } from './teardown.ts';

function ensureBuilt(): void {
  if (existsSync('dist/dashboard/index.html')) return;
  const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'dashboard/vite.config.ts'], { stdio: 'inherit', timeout: 120_000 });
  assert.equal(result.status, 0, 'building the dashboard failed');
}

async function signIn(page: Page, server: TestServer, email: string, path = '/app/'): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-state="live"]').waitFor();
}

async function waitingConversation(server: TestServer, text: string): Promise<string> {
  const visitor = await newVisitor(server);
  const { id } = await visitor.start();
  await visitor.send(id, text);
  return id;
}

describe('agent dashboard: session, keyboard, layout', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const teardown = new Teardown();

  before(async () => {
    ensureBuilt();
    server = teardown.add(await startServer(), (running) => running.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
  });

  after(() => teardown.run());

  it('moves through the queue with j and k, opens with Enter, resolves with e, lists shortcuts with ?, searches, and counts unread in the title', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    await withScreenshotsOnFailure('keyboard', () => [page], async () => {
      const first = await waitingConversation(server, 'First in line');
      const second = await waitingConversation(server, 'Second in line');
      await signIn(page, server, 'alice@test.local');
      await page.locator(`[data-conversation-id="${second}"]`).waitFor();
      assert.equal(await page.title(), '(2) Parley');

      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await page.keyboard.press('k');
      await page.keyboard.press('Enter');
      await page.locator('.bubble-row').getByText('First in line').waitFor();
      assert.match(page.url(), new RegExp(`/app/c/${first}$`));
      await page.waitForFunction(() => document.title === '(1) Parley');

      await page.keyboard.press('e');
      await page.getByRole('button', { name: 'Reopen' }).waitFor();
      await page.locator('.system-line').getByText('Alice resolved the conversation').waitFor();

      await page.getByLabel('Search conversations').fill('Second in');
      await page.locator(`[data-conversation-id="${second}"]`).waitFor();
      await page.getByLabel('Search conversations').fill('no such words anywhere');
      await page.getByText('Nothing matches this search.').waitFor();
      await page.getByLabel('Search conversations').fill('');
      await page.locator(`[data-conversation-id="${second}"]`).waitFor();
      await page.locator('body').click({ position: { x: 5, y: 700 } });

      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
    });
  });

  it('returns to the login form when the session ends, and keeps the unsent reply', () =>
    withScreenshotsOnFailure('session-expiry', () => [page], async () => {
      const id = await waitingConversation(server, 'Is anyone there?');
      await page.locator(`[data-conversation-id="${id}"]`).click();
      await page.getByLabel('Reply to the visitor').fill('Half-written answer about your refund');

      const cookie = (await page.context().cookies()).find((c) => c.name === 'parley_session')!;
      await server.store.deleteSession(sha256(cookie.value));
      await page.getByRole('button', { name: /set yourself (away|online)/ }).click();

      await page.getByText('Your session has ended. Log in again; your unsent reply is kept.').waitFor();
      await page.getByLabel('Email').fill('alice@test.local');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('.bubble-row').getByText('Is anyone there?').waitFor();
      assert.equal(await page.getByLabel('Reply to the visitor').inputValue(), 'Half-written answer about your refund');
      await page.context().close();
    }));

  for (const viewport of [{ width: 1024, height: 768 }, { width: 768, height: 1024 }]) {
    it(`is usable at ${viewport.width}×${viewport.height}: queue, conversation and visitor details`, async () => {
      const context = await browser.newContext({ viewport, hasTouch: true });
      context.setDefaultTimeout(10_000);
      const tablet = await context.newPage();
      await withScreenshotsOnFailure(`tablet-${viewport.width}`, () => [tablet], async () => {
        const id = await waitingConversation(server, `Hello from a ${viewport.width} px test`);
        await signIn(tablet, server, 'bob@test.local');
        await tablet.locator(`[data-conversation-id="${id}"]`).waitFor();
        await screenshot(tablet, `dashboard-queue-${viewport.width}`);
        await tablet.locator(`[data-conversation-id="${id}"]`).click();
        await tablet.getByRole('button', { name: 'Claim' }).click();
        await tablet.getByLabel('Reply to the visitor').fill('Happy to help on any screen');
        await tablet.getByRole('button', { name: 'Send' }).click();
        await tablet.locator('.bubble-row:not(.pending)').getByText('Happy to help').waitFor();
        await screenshot(tablet, `dashboard-conversation-${viewport.width}`);
        await tablet.getByRole('button', { name: 'Visitor details' }).click();
        // The page they are on (the visitor's pages across visits list it too).
        await tablet.getByRole('complementary', { name: 'Visitor details' }).getByRole('definition').getByText('Pricing', { exact: true }).waitFor();
        await screenshot(tablet, `dashboard-details-${viewport.width}`);
        if (viewport.width < 820) {
          await tablet.getByRole('button', { name: 'Back to the queue' }).click();
          await tablet.getByRole('tab', { name: /Mine/ }).waitFor();
        }
      });
      await context.close();
    });
  }
});
