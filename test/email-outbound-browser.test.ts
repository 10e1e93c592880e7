/**
 * Outbound email as people see it (issue 12), in Chromium: the emails' HTML parts rendered at
 * desktop and phone width (reply in English and Chinese, transcript, agent alert), the unsubscribe
 * page, and the dashboard — each reply's email state under it, live; the composer's "Email if
 * unread" switch; Settings → Email; the agent's own alerts. Screenshots go to /tmp/shots-C1/ (and
 * test-results/ on failure). Real server on a manual clock, real SMTP on loopback.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nanoid } from 'nanoid';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, withScreenshotsOnFailure } from './browser.ts';
import { loginAgent, newVisitor, PASSWORD, startServer, type TestServer } from './harness.ts';
import { createManualClock } from './support/manual-clock.ts';
import { continueLink } from './support/outbound-email.ts';
import { header, startSmtpSink, type ReceivedEmail, type SmtpSink } from './support/smtp-sink.ts';
import { Teardown } from './teardown.ts';

const SHOTS = '/tmp/shots-C1';
const MINUTE = 60_000;
const DESKTOP = { width: 1280, height: 860 };
const TABLET = { width: 768, height: 900 };
const PHONE = { width: 390, height: 844 };

function ensureBuilt(): void {
  for (const app of ['dashboard', 'widget']) {
    if (existsSync(`dist/${app}/${app === 'widget' ? 'loader.js' : 'index.html'}`)) continue;
    const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', `${app}/vite.config.ts`], { stdio: 'inherit', timeout: 120_000 });
    assert.equal(result.status, 0, `building the ${app} failed`);
  }
}

describe('outbound email, as people see it', () => {
  const teardown = new Teardown();
  // The server's clock starts at the real time and follows it (heartbeats keep the dashboard live),
  // jumping ahead only when a test moves it past a delay.
  const clock = createManualClock(Date.now());
  let sink: SmtpSink;
  let server: TestServer;
  let browser: Browser;
  let pages: Page[] = [];

  before(async () => {
    ensureBuilt();
    mkdirSync(SHOTS, { recursive: true });
    sink = teardown.add(await startSmtpSink(), (s) => s.close());
    server = teardown.add(await startServer({ clock, smtpUrl: sink.url, emailFrom: 'support@northwind.test', inboundEmailDomain: 'reply.northwind.test' }), (s) => s.close());
    const ticking = setInterval(() => clock.advance(1000), 1000);
    teardown.add(ticking, clearInterval);
    browser = teardown.add(await launchBrowser(), (b) => b.close());
    await server.store.updateSite(server.site.id, { name: 'Northwind Outfitters', widget: { color: '#14532d', teamName: 'Northwind' } });
    server.app.services.sites.invalidate(server.site.id);
  });
  after(() => teardown.run());

  async function pass(ms: number): Promise<void> {
    clock.advance(ms);
    await server.app.outboundEmail!.tick();
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  async function newPage(viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    pages.push(page);
    return page;
  }
  async function visitorAsks(address: string | null, question: string, language = 'en-GB') {
    const visitor = await newVisitor(server);
    await visitor.call('/session', { method: 'POST', json: { context: { url: 'http://localhost:5555/tents/trail-2p', title: 'Trail 2P tent', language, timeZone: 'Europe/Oslo' } } });
    if (address) await visitor.call('/visitor', { method: 'PATCH', json: { email: address, name: 'Vera Lind' } });
    const conversation = await visitor.start();
    await visitor.send(conversation.id, question);
    return { visitor, conversation };
  }
  /** Renders an email's HTML part as a mail client would, at a width, and checks it reads there. */
  async function render(email: ReceivedEmail, name: string, viewport: { width: number; height: number }): Promise<Page> {
    const page = await newPage(viewport);
    await page.setContent(String(email.mail.html), { waitUntil: 'load' });
    await shot(page, `${name}-${viewport.width}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name} at ${viewport.width} px scrolls sideways by ${overflow} px`);
    return page;
  }

  it('renders the reply, transcript and alert emails readably on a desktop and a phone', () =>
    withScreenshotsOnFailure('email-rendered', () => pages, async () => {
      const alice = await loginAgent(server, 'alice@test.local');
      const en = await visitorAsks('vera@example.com', 'Does the Trail 2P tent fit two people with backpacks inside?');
      const send = (conversationId: string, body: string) => alice.call(`/conversations/${conversationId}/messages`, { method: 'POST', json: { clientId: nanoid(), body } });
      await send(en.conversation.id, 'Hi Vera! Two people fit comfortably; the backpacks go in the two vestibules.');
      await send(en.conversation.id, 'If you want them inside, the Trail 3P is 30 cm wider — here is the size chart:\nhttps://northwind.test/tents/sizes');
      const zh = await visitorAsks('li@example.cn', '这个帐篷可以寄到上海吗？', 'zh-CN');
      await send(zh.conversation.id, '可以的，一般 5 到 7 个工作日送达。');
      await pass(3 * MINUTE);
      const [reply] = await sink.waitFor(1, { matching: (e) => e.envelope.to.includes('vera@example.com') });
      const [chinese] = await sink.waitFor(1, { matching: (e) => e.envelope.to.includes('li@example.cn') });

      for (const viewport of [DESKTOP, PHONE]) {
        const page = await render(reply!, 'email-reply-en', viewport);
        await page.getByRole('heading', { name: 'Alice replied to your message' }).waitFor();
        await page.getByText('the backpacks go in the two vestibules').filter({ visible: true }).waitFor();
        const button = page.getByRole('link', { name: 'Continue the conversation' });
        assert.equal(await button.getAttribute('href'), continueLink(reply!));
        assert.ok(await button.isVisible());
        await page.getByRole('link', { name: 'Unsubscribe' }).waitFor();
        const zhPage = await render(chinese!, 'email-reply-zh', viewport);
        await zhPage.getByRole('heading', { name: 'Alice回复了您的消息' }).waitFor();
        await zhPage.getByRole('link', { name: '继续对话' }).waitFor();
      }

      assert.equal((await en.visitor.call(`/conversations/${en.conversation.id}/transcript`, { method: 'POST', json: { clientId: 't1' } })).status, 202);
      await pass(1000);
      const [transcript] = await sink.waitFor(1, { matching: (e) => e.mail.subject?.startsWith('Transcript') ?? false });
      for (const viewport of [DESKTOP, PHONE]) {
        const page = await render(transcript!, 'email-transcript', viewport);
        await page.getByText('Does the Trail 2P tent fit two people').filter({ visible: true }).waitFor();
        await page.getByText('Alice joined the conversation').waitFor();
      }

      const waiting = await visitorAsks('sam@example.com', 'My order #4821 has not arrived and I leave for the mountains on Friday!');
      await pass(5 * MINUTE);
      const [alert] = await sink.waitFor(1, { matching: (e) => e.envelope.to.includes('owner@test.local') && (e.mail.text ?? '').includes(waiting.conversation.id) });
      for (const viewport of [DESKTOP, PHONE]) {
        const page = await render(alert!, 'email-alert', viewport);
        await page.getByText('My order #4821 has not arrived').filter({ visible: true }).waitFor();
        await page.getByRole('link', { name: 'Answer in Parley' }).waitFor();
      }
    }));

  it('asks before unsubscribing and confirms in the email\'s language', () =>
    withScreenshotsOnFailure('unsubscribe-page', () => pages, async () => {
      const [chinese] = await sink.waitFor(1, { matching: (e) => e.envelope.to.includes('li@example.cn') });
      const url = header(chinese!, 'List-Unsubscribe')!.slice(1, -1);
      const page = await newPage(PHONE);
      await page.goto(url);
      await page.getByText('不再接收Northwind Outfitters发往 li@example.cn 的邮件？').waitFor();
      await shot(page, 'unsubscribe-ask-390');
      assert.equal(await server.store.isUnsubscribed(server.site.id, 'li@example.cn'), false);
      await page.getByRole('button', { name: '退订' }).click();
      await page.getByText('已退订：Northwind Outfitters不会再给 li@example.cn 发邮件。').waitFor();
      await shot(page, 'unsubscribe-done-390');
      assert.equal(await server.store.isUnsubscribed(server.site.id, 'li@example.cn'), true);
    }));

  it('opens the hosted conversation page with the site\'s widget when the visitor\'s page is not known', () =>
    withScreenshotsOnFailure('hosted-page', () => pages, async () => {
      const page = await newPage(PHONE);
      await page.goto(`${server.url}/c/${server.site.id}?parley_resume=x`);
      await page.getByRole('heading', { name: 'Your conversation with Northwind Outfitters' }).waitFor();
      // The site's own widget, opened (the page's `Parley('open')`): its composer is there.
      await page.getByRole('textbox', { name: 'Message' }).waitFor();
      await shot(page, 'hosted-conversation-390');
    }));

  it('shows agents under each reply whether it was emailed or failed, live, and lets them keep one reply out of email', () =>
    withScreenshotsOnFailure('dashboard-email', () => pages, async () => {
      const { conversation } = await visitorAsks('ingrid@example.com', 'Can I return boots I have worn once?');
      const api = await loginAgent(server, 'bob@test.local');
      await api.call(`/conversations/${conversation.id}/messages`, { method: 'POST', json: { clientId: nanoid(), body: 'Yes, within 30 days, as long as they are clean.' } });
      await pass(3 * MINUTE);
      await sink.waitFor(1, { matching: (e) => e.envelope.to.includes('ingrid@example.com') });
      sink.refuse(451, 'Mailbox temporarily unavailable');
      await api.call(`/conversations/${conversation.id}/messages`, { method: 'POST', json: { clientId: nanoid(), body: 'I have sent you a return label.' } });
      await pass(3 * MINUTE);

      const page = await newPage(DESKTOP);
      await page.goto(`${server.url}/app/c/${conversation.id}`);
      await page.getByLabel('Email').fill('alice@test.local');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('[data-email-state="sent"]').getByText(/Emailed/).waitFor();
      await page.locator('[data-email-state="failed"]').getByText(/Email failed, retrying .*Mailbox temporarily unavailable/).waitFor();
      await shot(page, 'dashboard-email-states-1280');

      // A reply kept out of email: the switch, then the state, live.
      const toggle = page.getByLabel('Email if unread');
      assert.equal(await toggle.isChecked(), true, 'on by default');
      await toggle.uncheck();
      await page.getByLabel('Reply to the visitor').fill('One moment while I check the label.');
      await shot(page, 'dashboard-composer-toggle-1280');
      await page.getByLabel('Reply to the visitor').press('Enter');
      await page.locator('[data-email-state="suppressed"]').getByText('Not emailed (turned off for this reply)').waitFor();
      assert.equal(await toggle.isChecked(), true, 'back on for the next reply');

      // The mail server is back: the failed one goes, and the dashboard says so without reload.
      sink.refuse(null);
      await pass(2 * MINUTE);
      await page.locator('[data-email-state="sent"]').nth(1).waitFor();
      await page.setViewportSize(TABLET);
      await shot(page, 'dashboard-email-states-768');
      await page.setViewportSize(DESKTOP);
      const emails = (await api.call(`/conversations/${conversation.id}/emails`)).body.emails;
      assert.deepEqual(emails.map((e: { state: string }) => e.state), ['sent', 'sent', 'suppressed']);
      assert.equal(sink.received.filter((e) => e.envelope.to.includes('ingrid@example.com')).length, 2);
    }));

  it('shows owners whether email is on and lets them set the delays; each agent their own alerts', () =>
    withScreenshotsOnFailure('email-settings', () => pages, async () => {
      const page = await newPage(DESKTOP);
      await page.goto(`${server.url}/app/settings/email`);
      await page.getByLabel('Email').fill('owner@test.local');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('Email is on.').waitFor();
      await page.getByText('support@northwind.test').waitFor();
      const delay = page.getByLabel('Minutes before an unread reply is emailed');
      assert.equal(await delay.inputValue(), '3');
      await delay.fill('10');
      await page.getByRole('button', { name: 'Save delays' }).click();
      await page.getByRole('status').getByText('Saved').waitFor();
      assert.equal((await server.store.emailSettings(server.site.id)).replyDelayMs, 10 * MINUTE);
      await shot(page, 'settings-email-1280');
      await page.setViewportSize(TABLET);
      await shot(page, 'settings-email-768');
      await page.setViewportSize(DESKTOP);

      await page.goto(`${server.url}/app/account`);
      const alerts = page.getByLabel('Email me when a new conversation waits unanswered and nobody is online');
      await alerts.waitFor();
      assert.equal(await alerts.isChecked(), true);
      await alerts.uncheck();
      await page.locator('#email-alerts-title').locator('..').getByText('Saved').waitFor();
      assert.equal(await server.store.emailAlertsEnabled(server.owner.id), false);
      await shot(page, 'account-email-alerts-1280');
      await server.store.updateEmailSettings(server.site.id, { replyDelayMs: 3 * MINUTE });
    }));
});

describe('outbound email settings without SMTP', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    ensureBuilt();
    server = teardown.add(await startServer(), (s) => s.close());
    browser = teardown.add(await launchBrowser(), (b) => b.close());
  });
  after(() => teardown.run());

  it('says email is off and what to set, and hides the composer switch', async () => {
    const page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    await withScreenshotsOnFailure('email-settings-off', () => [page], async () => {
      await page.goto(`${server.url}/app/settings/email`);
      await page.getByLabel('Email').fill('owner@test.local');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('This server sends no email').waitFor();
      await page.getByText('SMTP_URL', { exact: true }).waitFor();
      await page.screenshot({ path: join(SHOTS, 'settings-email-off-1280.png'), fullPage: true });
      const visitor = await newVisitor(server);
      await visitor.call('/visitor', { method: 'PATCH', json: { email: 'x@example.com' } });
      const { id } = await visitor.start();
      await visitor.send(id, 'hello');
      await page.goto(`${server.url}/app/c/${id}`);
      await page.getByLabel('Reply to the visitor').waitFor();
      assert.equal(await page.getByLabel('Email if unread').count(), 0);
    });
  });
});
