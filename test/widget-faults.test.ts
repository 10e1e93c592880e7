/**
 * The real widget in Chromium when the network between it and the server misbehaves: everything
 * the widget says to the server goes through the fault proxy (test/fault-proxy.ts). A stream that
 * goes silent without closing is noticed within the stall window and replaced; a stream cut in
 * the middle of a frame loses and doubles nothing. The server beats every 300 ms, so the stall
 * window (two beats plus 5 s of slack, client/transport.ts) is about 6 s instead of 35.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startHostSite, withScreenshotsOnFailure, type HostSite } from './browser.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { loginAgent, startServer, type TestServer } from './harness.ts';
import { widgetSnippet } from '../server/snippet.ts';
import { openWidget, say } from './widget-world.ts';
import { waitFor } from './wait-for.ts';

let host: HostSite | undefined;
let server: TestServer | undefined;
let proxy: FaultProxy | undefined;
let browser: Browser | undefined;

/** The proxied connection carrying the widget's stream, once it has passed a few heartbeats. */
async function widgetStream() {
  return waitFor(() => proxy!.connections.find((c) => c.request.includes('/stream?') && c.tail.split('event: hb').length > 3), {
    message: 'the widget\'s stream through the proxy, with heartbeats',
  });
}

const banner = (page: Page) => page.getByRole('status').filter({ hasText: 'Can’t reach us right now' });

describe('widget faults', () => {
  before(async () => {
    host = await startHostSite();
    server = await startServer({ allowedOrigins: [host.origin], heartbeatMs: 300 });
    proxy = await startFaultProxy({ port: server.port });
    // The page loads the widget from the proxy, so every request and stream of the widget passes it.
    host.setHtml(`<!doctype html><meta charset="utf-8"><title>Shop</title><h1>Customer site</h1>${widgetSnippet(proxy.url, server.site.id)}`);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.close();
    await host?.close();
  });

  it('notices a stream that went silent without closing, says so, and still shows the agent\'s reply', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const agent = await loginAgent(server!, server!.alice.email);
    const stream = await agent.stream();
    try {
      await withScreenshotsOnFailure('widget-stall', () => [page], async () => {
        await page.goto(host!.url('/'));
        await openWidget(page);
        await say(page, 'is anyone there?');
        const sent = await stream.until((e) => e.event === 'message' && e.data.message.body === 'is anyone there?', 10_000);
        await widgetStream();
        const conversationId: string = sent.data.message.conversationId;
        await agent.send(conversationId, 'one moment please');
        await page.getByText('one moment please').waitFor({ timeout: 5_000 });
        assert.equal(await banner(page).count(), 0, 'live before the stall');

        // Every connection the browser holds goes silent: no data, no FIN, no error (a dead NAT
        // entry, a network switch). New connections still work.
        proxy!.stall();
        assert.equal((await agent.send(conversationId, 'yes, we are here')).status, 200);
        // Within the stall window (about 6 s) plus the time to show it.
        await banner(page).waitFor({ timeout: 10_000 });
        // Then caught up over a new connection. The probe times out (5 s: it went out on one of the
        // browser's pooled connections, all silent now), and so does each stream ticket request
        // that gets another pooled one (5 s plus backoff each), until a fresh connection opens the
        // stream: 17–23 s here. The bound allows for the most connections Chromium pools per host.
        await page.getByText('yes, we are here').waitFor({ timeout: 60_000 });
        await banner(page).waitFor({ state: 'detached', timeout: 10_000 });
        assert.equal(await page.getByText('yes, we are here').count(), 1);
      });
    } finally {
      stream.close();
      await context.close();
      proxy?.resume();
    }
  });

  it('shows every message of a burst exactly once, in order, after its stream is cut in the middle of a frame', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const agent = await loginAgent(server!, server!.bob.email);
    const stream = await agent.stream();
    try {
      await withScreenshotsOnFailure('widget-cut', () => [page], async () => {
        await page.goto(host!.url('/'));
        await openWidget(page);
        await say(page, 'send me the list');
        const sent = await stream.until((e) => e.event === 'message' && e.data.message.body === 'send me the list', 10_000);
        const connection = await widgetStream();
        const expected = Array.from({ length: 30 }, (_, i) => `item ${i}`);
        connection.cut({ after: '"body":"item 10' });
        for (const body of expected) assert.equal((await agent.send(sent.data.message.conversationId, body)).status, 200);
        await page.getByText('item 29', { exact: true }).waitFor({ timeout: 20_000 });
        assert.ok(connection.closed && !connection.tail.endsWith('\n\n'), 'the stream was cut inside a frame');
        const shown = await page.getByText(/^item \d+$/).allTextContents();
        assert.deepEqual(shown, expected);
      });
    } finally {
      stream.close();
      await context.close();
    }
  });
});
