/**
 * Settings → Webhooks in Chromium (issue 15), as an owner uses it, against a real receiver on
 * loopback: add an endpoint and copy its secret (shown once), send a test and see it delivered
 * with a signature that secret verifies; a receiver that fails shows in the log (status, latency,
 * its answer) and the breaker pauses the endpoint, said plainly, until the owner resumes it; a
 * dead-lettered delivery is replayed with the same ids; the page at 1280 and 768 px, light and
 * dark, with no text below WCAG contrast; a link naming a site (?site=) opens that site's page.
 * Screenshots under /tmp/shots-W/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { defaultWidgetConfig } from '../server/site-defaults.ts';
import { BREAKER } from '../server/store/webhook-rows.ts';
import { verifySignature } from '../server/webhooks/signature.ts';
import { launchBrowser, withScreenshotsOnFailure } from './browser.ts';
import { contrastFailures, describeFailures } from './contrast-audit.ts';
import { newVisitor, startServer, type TestServer } from './harness.ts';
import { ensureDashboardBuilt, signIn } from './settings-helpers.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

const SHOTS = '/tmp/shots-W';
const DESKTOP = { width: 1280, height: 900 };
const TABLET = { width: 768, height: 1024 };

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe('Settings → Webhooks in the dashboard', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let browser: Browser;
  let receiver: WebhookReceiver;
  const contexts: BrowserContext[] = [];
  let page: Page;
  const pages = () => (page ? [page] : []);

  before(async () => {
    ensureDashboardBuilt();
    receiver = teardown.add(await startWebhookReceiver(), (r) => r.close());
    server = teardown.add(await startServer({ webhooksAllowPrivate: true }), (s) => s.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
    const context = await browser.newContext({ viewport: DESKTOP });
    contexts.push(context);
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    await signIn(page, server, server.owner.email, '/app/settings/webhooks');
  });
  after(() => teardown.run());

  const card = () => page.locator('.webhook-card');
  const row = (status: string) => card().locator(`tr[data-status="${status}"]`);

  it('adds an endpoint, shows its secret once, and sends a test delivery that the secret verifies', () =>
    withScreenshotsOnFailure('webhooks-add', pages, async () => {
      await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
      await page.getByText('No endpoints yet.').waitFor();
      await page.getByLabel('Endpoint URL').fill(receiver.url);
      await page.getByLabel(/What it is for/).fill('CRM sync');
      await page.getByRole('checkbox', { name: /Rating submitted/ }).uncheck();
      await page.getByRole('button', { name: 'Add endpoint' }).click();

      const secretField = page.getByRole('textbox', { name: 'Signing secret of the new endpoint' });
      const secret = await secretField.inputValue();
      assert.match(secret, /^whsec_/);
      await shot(page, 'webhooks-new-endpoint-1280');
      await page.getByRole('button', { name: 'I have saved it — hide' }).click();
      assert.equal(await secretField.count(), 0, 'gone once hidden');
      assert.equal(await page.getByText(secret).count(), 0);

      await card().getByText('Healthy').waitFor();
      assert.deepEqual(await card().locator('.event-chips li').allTextContents(), [
        'Conversation started', 'Conversation assigned', 'Conversation resolved', 'Conversation reopened',
        'Message from a visitor', 'Reply from an agent', 'Visitor identified',
      ]);
      await card().getByRole('button', { name: 'Send test' }).click();
      await card().getByRole('status').getByText(/^Test delivered: 200 in \d+ ms\.$/).waitFor();
      await row('delivered').getByText('Test delivery').waitFor();
      const [test] = await receiver.waitFor(1);
      assert.equal(test!.body.type, 'webhook.test');
      assert.ok(verifySignature({
        secret, signature: String(test!.headers['x-parley-signature']), timestamp: String(test!.headers['x-parley-timestamp']),
        body: test!.raw, nowSeconds: Math.floor(Date.now() / 1000),
      }), 'the secret the page showed verifies what the receiver got');
      await row('delivered').getByText(/^200 in \d+ ms$/).waitFor();
    }));

  it('shows each failed attempt with its status, latency and the receiver\'s answer, then the breaker pausing the endpoint until the owner resumes it', () =>
    withScreenshotsOnFailure('webhooks-failing', pages, async () => {
      receiver.answer(() => ({ status: 500, body: '{"error":"database is read-only"}' }));
      const visitor = await newVisitor(server);
      const conversation = await visitor.start();
      await visitor.send(conversation.id, 'Where is my order #1042?');
      await card().getByText(/Failing \(\d+ in a row\)/).waitFor();
      // The conversation's first event fails; its message waits its turn behind it.
      const failing = card().locator('tr[data-status="pending"]').filter({ hasText: 'Conversation started' });
      await failing.getByText(/^Retry (in|now)/).waitFor();
      await failing.getByText(/^500 in \d+ ms/).waitFor();
      await card().locator('tr[data-status="pending"]').filter({ hasText: 'Message from a visitor' }).getByText('Waiting its turn').waitFor();
      await failing.getByRole('button', { name: 'Details' }).click();
      await card().locator('.attempt-list li[data-ok="no"]').first().getByText('HTTP 500').waitFor();
      await card().getByLabel('The receiver\'s answer').first().getByText('{"error":"database is read-only"}').waitFor();
      await shot(page, 'webhooks-failing-log-1280');

      // Enough failures in a row (new conversations, each failing once) trip the breaker.
      for (let i = 0; i < BREAKER.pauseAfter; i++) await visitor.start();
      await card().getByText('Paused', { exact: true }).waitFor();
      const note = card().getByRole('alert');
      await note.getByText(/Paused since .*: the last \d+ attempts failed — Answered 500 Internal Server Error\. One delivery is tried again at/).waitFor();
      const before = receiver.received.length;
      await shot(page, 'webhooks-paused-1280');
      assert.ok(receiver.received.length - before <= 1, 'nothing but a probe while paused');

      receiver.answer(() => ({ status: 200, body: 'ok' }));
      await note.getByRole('button', { name: 'Resume now' }).click();
      await card().getByText('Healthy').waitFor();
      await waitFor(() => receiver.accepted().filter((b) => b.type === 'conversation.created').length === BREAKER.pauseAfter + 1, { message: 'every conversation delivered after resuming' });
      await card().getByText(/^0 waiting · 0 dead-lettered/).waitFor({ timeout: 20_000 });
    }));

  it('replays a dead-lettered delivery and any delivered one from the log, with the same ids', () =>
    withScreenshotsOnFailure('webhooks-replay', pages, async () => {
      // A delivery that failed for a day: its first attempt fails here; then, standing in for the day
      // of retries, it is claimed as of a minute later (before the worker's retry is due) and failed
      // for good, as the worker records it at its deadline.
      const visitor = await newVisitor(server);
      const conversation = await visitor.start();
      await waitFor(() => receiver.accepted().some((b) => b.type === 'conversation.created' && b.data.conversation.id === conversation.id), { message: 'the conversation delivered' });
      receiver.answer(() => ({ status: 503, body: 'maintenance' }));
      await visitor.send(conversation.id, 'This one failed all day');
      const first = await receiver.waitFor(1, { matching: (d) => d.body.type === 'message.visitor' && d.body.data.message.body === 'This one failed all day' });
      const deliveryId = first[0]!.body.deliveryId;
      const [endpoint] = await server.store.listWebhookEndpoints(server.site.id);
      await waitFor(async () => (await server.store.getWebhookDelivery(endpoint!.id, deliveryId))?.delivery.status === 'pending', { message: 'the first attempt recorded' });
      const [held] = (await server.store.claimWebhookDeliveries({ now: Date.now() + 60_000, owner: 'yesterday', leaseMs: 3600_000, limit: 10, perEndpoint: 10 }))
        .filter((d) => d.id === deliveryId);
      assert.ok(held, 'claimed before its retry was due');
      await server.store.recordWebhookAttempt({
        deliveryId: held.id, owner: 'yesterday', at: Date.now(), ok: false, statusCode: 503, latencyMs: 30, error: 'Answered 503 Service Unavailable.',
        responseSnippet: 'maintenance', interrupted: false, retryAt: null, probe: false, breaker: BREAKER,
      });
      receiver.answer(() => ({ status: 200, body: 'ok' }));
      await page.reload();
      await card().getByRole('button', { name: 'Replay 1 dead-lettered' }).click();
      await card().getByText(/1 dead-lettered delivery is being sent again/).waitFor();
      await waitFor(() => receiver.accepted().some((b) => b.deliveryId === held.id), { message: 'the dead-lettered delivery arrived' });
      assert.ok(receiver.received.filter((d) => d.body.deliveryId === held.id).every((d) => d.raw === held.body), 'the same bytes every time');

      const logShown = await card().getByRole('button', { name: 'Hide delivery log' }).count();
      if (!logShown) await card().getByRole('button', { name: 'Delivery log' }).click();
      await card().getByRole('button', { name: 'Delivered' }).click();
      const delivered = card().locator('tr[data-status="delivered"]').first();
      const id = await delivered.getAttribute('data-delivery');
      const copies = () => receiver.received.filter((d) => d.body.deliveryId === id).length;
      const had = copies();
      await delivered.getByRole('button', { name: 'Replay' }).click();
      await waitFor(() => copies() === had + 1, { message: 'the replayed delivery arrived again' });
      await card().getByRole('button', { name: 'All' }).click();
      await card().locator(`tr[data-delivery="${id}"][data-status="delivered"]`).waitFor();
      await shot(page, 'webhooks-log-1280');
    }));

  it('reads well at 768 px and in the dark theme, with no text below WCAG contrast', () =>
    withScreenshotsOnFailure('webhooks-layout', pages, async () => {
      await page.setViewportSize(TABLET);
      await card().locator('tr[data-status="delivered"]').first().getByRole('button', { name: 'Details' }).click();
      await card().locator('.attempt-list').waitFor();
      await shot(page, 'webhooks-log-768');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no sideways scroll at 768 px (${overflow} px too wide)`);
      const light = await contrastFailures(page);
      assert.equal(light.length, 0, `light: text below WCAG contrast:\n${describeFailures(light)}`);

      const dark = await browser.newContext({ viewport: DESKTOP, colorScheme: 'dark' });
      contexts.push(dark);
      const night = await dark.newPage();
      await signIn(night, server, server.owner.email, '/app/settings/webhooks');
      await night.locator('.webhook-card').getByRole('button', { name: 'Delivery log' }).click();
      await night.locator('.webhook-card tr[data-status="delivered"]').first().waitFor();
      await shot(night, 'webhooks-dark-1280');
      const failures = await contrastFailures(night);
      assert.equal(failures.length, 0, `dark: text below WCAG contrast:\n${describeFailures(failures)}`);
    }));

  it('opens the site that a link names, as the owner\'s email about a paused endpoint links to it', () =>
    withScreenshotsOnFailure('webhooks-linked-site', pages, async () => {
      const other = await server.store.createSite({ name: 'Elsewhere', allowedOrigins: [], widget: defaultWidgetConfig('Elsewhere'), secret: 'other-secret' });
      const linked = await contexts[0]!.newPage();
      await linked.goto(`${server.url}/app/settings/webhooks?site=${encodeURIComponent(other.id)}`);
      await linked.getByRole('heading', { name: 'Webhooks' }).waitFor();
      await linked.getByText('No endpoints yet.').waitFor();
      assert.equal(await linked.locator('.site-switcher select').inputValue(), other.id, 'the linked site is the one shown');
      assert.equal(await linked.locator('.webhook-card').count(), 0, 'not the first site\'s endpoints');
      await linked.close();
    }));
});
