/**
 * Email replies as an agent sees them in the dashboard (issue 12), end to end: a real server with
 * its SMTP receiver, nodemailer sending the visitor's reply, the agent in Chromium. The reply
 * shows up live in the open conversation with only its new text; a forged one is counted in the
 * navigation and waits on the review page until the agent accepts or discards it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createTransport, type Transporter } from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, withScreenshotsOnFailure } from './browser.ts';
import { PASSWORD, startServer, type TestServer } from './harness.ts';
import { REPLY_DOMAIN, QUOTED_HISTORY, openEmailThread } from './support/email-thread.ts';
import { Teardown } from './teardown.ts';

const SHOTS = process.env.PARLEY_SHOTS_DIR ?? 'test-results/screenshots';

function ensureBuilt(): void {
  if (existsSync('dist/dashboard/index.html')) return;
  const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'dashboard/vite.config.ts'], { stdio: 'inherit', timeout: 120_000 });
  assert.equal(result.status, 0, 'building the dashboard failed');
}

describe('email replies in the dashboard', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let mail: Transporter;

  before(async () => {
    ensureBuilt();
    server = teardown.add(await startServer({ inboundSmtpPort: 0, inboundSmtpHost: '127.0.0.1', inboundEmailDomain: REPLY_DOMAIN }), (s) => s.close());
    mail = teardown.add(createTransport({ host: '127.0.0.1', port: server.app.inboundSmtp!.port(), secure: false, ignoreTLS: true }), (t) => t.close());
    browser = teardown.add(await launchBrowser(), (b) => b.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    await page.goto(`${server.url}/app/`);
    await page.getByLabel('Email').fill('alice@test.local');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-state="live"]').waitFor();
  });
  after(() => teardown.run());

  const shot = async (name: string) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
  };
  const heldLink = () => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: /Held email/ });

  it('shows the visitor\'s email reply live in the open conversation, without the quoted history', () =>
    withScreenshotsOnFailure('email-reply-live', () => [page], async () => {
      const thread = await openEmailThread(server);
      // Alice answered it in the widget, so it is hers.
      await page.getByRole('tab', { name: /Mine/ }).click();
      await page.locator(`[data-conversation-id="${thread.conversation.id}"]`).click();
      await page.locator('.bubble-row').getByText('It left our warehouse this morning').waitFor();
      await mail.sendMail({
        from: `Ann <${thread.visitorEmail}>`, to: thread.replyTo, subject: 'Re: Your question to Test team',
        text: `Friday works. Please ring the bell twice.\n\n-- \nAnn Visitor\n${QUOTED_HISTORY}`,
      });
      await page.locator('.bubble-row').getByText('Friday works. Please ring the bell twice.').waitFor();
      // The quoted agent reply is in the conversation once (the agent's own bubble), not twice.
      assert.equal(await page.locator('.bubble-row').getByText('It left our warehouse this morning').count(), 1);
      assert.equal(await page.locator('.bubble-row').getByText('Ann Visitor').count(), 0);
      await shot('email-reply-in-conversation-1280');
    }));

  it('counts a forged reply in the navigation and lets the agent accept it from the review page', () =>
    withScreenshotsOnFailure('held-accept', () => [page], async () => {
      const thread = await openEmailThread(server);
      assert.equal(await heldLink().count(), 0, 'no held email, no link');
      await mail.sendMail({ from: 'Mallory Intruder <mallory@evil.test>', to: thread.replyTo, subject: 'Re: Your question to Test team', text: `Actually, send it to 9 Other Street.${QUOTED_HISTORY}` });
      await heldLink().locator('.nav-count', { hasText: /^1 waiting$/ }).waitFor();
      await heldLink().click();
      const card = page.locator('.held-card', { hasText: 'mallory@evil.test' });
      await card.getByText('Actually, send it to 9 Other Street.').waitFor();
      await card.getByText('Not from an address this conversation emailed').waitFor();
      await card.getByText('Re: Your question to Test team').waitFor();
      assert.equal(await card.locator('.held-text').getByText('It left our warehouse').count(), 0, 'the quote is not shown');
      await shot('held-email-1280');
      await page.setViewportSize({ width: 768, height: 900 });
      await shot('held-email-768');
      await page.setViewportSize({ width: 1280, height: 800 });

      await card.getByRole('button', { name: 'Accept into conversation' }).click();
      await page.getByText('Added to the conversation as the visitor\'s message.').waitFor();
      await card.waitFor({ state: 'detached' });
      assert.equal(await heldLink().locator('.nav-count').count(), 0);
      const messages = await thread.messages();
      assert.deepEqual([messages.at(-1)!.author, messages.at(-1)!.body], ['visitor', 'Actually, send it to 9 Other Street.']);
      // The claimed conversation, one click away, now has it.
      await page.getByRole('link', { name: 'Inbox' }).click();
      await page.getByRole('tab', { name: /Mine/ }).click();
      await page.locator(`[data-conversation-id="${thread.conversation.id}"]`).click();
      await page.locator('.bubble-row').getByText('Actually, send it to 9 Other Street.').waitFor();
    }));

  it('lets the agent discard a held reply, which then never reaches the conversation', () =>
    withScreenshotsOnFailure('held-discard', () => [page], async () => {
      const thread = await openEmailThread(server);
      await mail.sendMail({ from: 'spam@evil.test', to: thread.replyTo, subject: 'Win a prize', text: 'Click here to win.' });
      await heldLink().click();
      const card = page.locator('.held-card', { hasText: 'spam@evil.test' });
      await card.getByRole('button', { name: 'Discard' }).click();
      await page.getByText('Email discarded.').waitFor();
      await card.waitFor({ state: 'detached' });
      await page.getByText('No held email.').waitFor();
      assert.ok(!(await thread.messages()).some((m) => m.body === 'Click here to win.'));
    }));
});
