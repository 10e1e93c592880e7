/**
 * The real dashboard in Chromium when the network between it and the server misbehaves: the page,
 * its stream, probes, polls and REST calls all go through the fault proxy (test/fault-proxy.ts).
 * The header says "Live" only while events or heartbeats arrive: a stream held open without
 * forwarding anything is noticed within the stall window, shown as "Reconnecting…", replaced, and
 * what was sent meanwhile appears. Waking from sleep (the wall clock jumps, timers do not) is
 * checked at once instead of a whole stall window later.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, withScreenshotsOnFailure } from './browser.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { newVisitor, PASSWORD, startServer, type TestServer } from './harness.ts';
import { ensureDashboardBuilt } from './settings-helpers.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

const DESKTOP = { width: 1280, height: 800 };

async function signInThrough(page: Page, proxy: FaultProxy, email: string): Promise<void> {
  await page.goto(`${proxy.url}/app/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-state="live"]').waitFor();
}

/** The proxied connection carrying the dashboard's stream, once it has passed a few heartbeats. */
const agentStream = (proxy: FaultProxy, beats = 3) =>
  waitFor(() => proxy.connections.find((c) => c.request.startsWith('GET /v1/agent/stream') && c.tail.split('event: hb').length > beats), {
    message: 'the dashboard\'s stream through the proxy, with heartbeats', timeoutMs: 40_000,
  });

describe('dashboard faults', () => {
  let browser: Browser;
  const teardown = new Teardown();
  let pages: Page[] = [];

  before(async () => {
    ensureDashboardBuilt();
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
  });
  after(() => teardown.run());

  it('leaves "Live" within the stall window when its stream is held open without forwarding, then catches up and is live again', async () => {
    // The server beats every 300 ms: the stall window (two beats plus 5 s, client/transport.ts) is about 6 s.
    const server: TestServer = teardown.add(await startServer({ heartbeatMs: 300 }), (running) => running.close());
    const proxy = teardown.add(await startFaultProxy({ port: server.port }), (running) => running.close());
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    pages = [page];
    try {
      await withScreenshotsOnFailure('dashboard-stall', () => pages, async () => {
        await signInThrough(page, proxy, server.alice.email);
        const visitor = await newVisitor(server);
        const { id } = await visitor.start();
        await visitor.send(id, 'My parcel is late');
        await page.locator(`[data-conversation-id="${id}"]`).click();
        await page.locator('.bubble-row').getByText('My parcel is late').waitFor();
        await agentStream(proxy);
        assert.equal(await page.locator('[data-state="live"]').count(), 1, 'live before the stall');

        // Every connection the browser holds goes silent: no data, no FIN, no error. New ones work.
        proxy.stall();
        assert.equal((await visitor.send(id, 'Hello? Anyone?')).status, 200);
        // Within the stall window (about 6 s) plus the time to show it.
        await page.locator('[data-state="reconnecting"]').getByText('Reconnecting…').waitFor({ timeout: 12_000 });
        await screenshot(page, 'dashboard-stalled-1280');
        // Then caught up over new connections: requests that went out on a pooled, silent connection
        // time out first (5 s for a probe or ticket, 15 s for a REST call), then fresh ones answer.
        await page.locator('.bubble-row').getByText('Hello? Anyone?').waitFor({ timeout: 60_000 });
        await page.locator('[data-state="live"]').waitFor({ timeout: 30_000 });
        assert.equal(await page.locator('.bubble-row').getByText('Hello? Anyone?').count(), 1, 'shown once');
        // And it stays honest afterwards: new messages keep arriving live.
        await visitor.send(id, 'Still there?');
        await page.locator('.bubble-row').getByText('Still there?').waitFor({ timeout: 30_000 });
      });
    } finally {
      proxy.resume();
      await context.close();
    }
  });

  it('checks its stream at once on waking from sleep, instead of saying "Live" for the rest of the stall window', async () => {
    // The protocol's own heartbeat (15 s): the stall window is 35 s, far longer than the check on waking.
    const server: TestServer = teardown.add(await startServer(), (running) => running.close());
    const proxy = teardown.add(await startFaultProxy({ port: server.port }), (running) => running.close());
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(15_000);
    // The page's clock: timers keep their own time, and setSystemTime moves the wall clock alone,
    // which is what a sleep does to a browser (its timers stop, the wall clock does not).
    await context.clock.install();
    const page = await context.newPage();
    pages = [page];
    try {
      await withScreenshotsOnFailure('dashboard-wake', () => pages, async () => {
        await signInThrough(page, proxy, server.bob.email);
        const visitor = await newVisitor(server);
        const { id } = await visitor.start();
        await visitor.send(id, 'Before the lid closed');
        await page.locator(`[data-conversation-id="${id}"]`).click();
        await page.locator('.bubble-row').getByText('Before the lid closed').waitFor();
        // Right after a heartbeat, so that without the check the stall window has 35 s to run.
        const stream = await agentStream(proxy, 1);
        const beats = stream.tail.split('event: hb').length;
        await waitFor(() => stream.tail.split('event: hb').length > beats, { timeoutMs: 20_000, message: 'the next heartbeat' });

        // The laptop slept ten minutes: its connections died meanwhile (silent, no FIN), and what
        // the visitor wrote is waiting on the server. The page's timers are held from here on and
        // moved by hand, so what fires within 5 s of waking is exactly what the page would do.
        proxy.stall();
        await visitor.send(id, 'Written while you slept');
        const now = await page.evaluate(() => Date.now());
        await page.clock.pauseAt(now + 100);
        await page.clock.setSystemTime(now + 10 * 60_000);
        await page.clock.runFor(5_000);
        // Without the check on waking, the stall timer would still have some 30 s of timer time to go.
        await page.locator('[data-state="reconnecting"]').waitFor({ timeout: 5_000 });
        await screenshot(page, 'dashboard-woke-1280');
        await page.clock.resume();
        await page.locator('.bubble-row').getByText('Written while you slept').waitFor({ timeout: 60_000 });
        await page.locator('[data-state="live"]').waitFor({ timeout: 30_000 });
      });
    } finally {
      proxy.resume();
      await context.close();
    }
  });
});
