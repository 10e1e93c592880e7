/**
 * When the widget cannot reach its server (issue 14, defect 8) it must not pretend the team is
 * away — no away form, no promise of an email reply — but say honestly that it cannot reach them
 * right now and that the message will be sent when the connection returns; the outbox keeps it,
 * and it is sent once the server answers again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { screenshot, withScreenshotsOnFailure, type HostSite } from './browser.ts';
import type { TestServer } from './harness.ts';
import { widgetSnippet } from '../server/snippet.ts';
import { waitFor } from './wait-for.ts';
import { outboxItems } from './widget-device.ts';
import { say, startWidgetWorld, type WidgetWorld } from './widget-world.ts';

let world: WidgetWorld | undefined;
let server: TestServer;
let host: HostSite;

const HONEST = 'Can’t reach us right now. Your message will be sent when the connection returns.';

describe('widget while its server cannot be reached', () => {
  before(async () => {
    world = await startWidgetWorld();
    ({ host, server } = world);
    host.setHtml(`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head><body><h1>Customer site</h1>${widgetSnippet(server.url, server.site.id)}</body></html>`);
  });
  after(() => world?.close());

  // Nobody online (no agent has connected): with the server reachable this site is away, which
  // the unreachable widget must not claim to know.
  for (const [size, viewport] of [['1280', { width: 1280, height: 800 }], ['768', { width: 768, height: 1000 }]] as const) {
    it(`says it cannot reach the team, not that the team is away, and sends the message once it can (${size} px)`, async () => {
      const context = await world!.browser.newContext({ viewport });
      try {
        const page = await context.newPage();
        await withScreenshotsOnFailure(`widget-unreachable-${size}`, () => [page], async () => {
          // A returning visitor: the widget knows this site's settings (the away email form) from the last visit.
          await page.goto(host.url('/'));
          await page.getByRole('button', { name: /chat with us/i }).click();
          await page.getByRole('textbox', { name: /Leave your email|Your email/ }).waitFor();
          await page.getByRole('button', { name: 'Close chat' }).click();

          // The API goes out of reach (the widget's files still load, as from a CDN or the cache).
          await page.route(`${server.url}/v1/**`, (route) => route.abort('connectionrefused'));
          await page.reload();
          await page.getByRole('button', { name: /chat with us/i }).click();
          await page.getByRole('status').filter({ hasText: HONEST }).waitFor();
          assert.equal(await page.getByRole('textbox', { name: /email/i }).count(), 0, 'no away email form');
          assert.equal(await page.getByText(/by email|get back to you|Away/).count(), 0, 'no away promise');
          assert.equal(await page.getByText('We are away right now', { exact: false }).count(), 0, 'not the away message');

          const text = `Typed while unreachable (${size})`;
          await say(page, text);
          await page.getByText('Sending…').waitFor();
          await waitFor(async () => (await outboxItems(page, server.site.id)).some((item) => item.payload.body === text), { message: 'the message in the outbox' });
          await screenshot(page, `widget-unreachable-${size}`);

          // The server answers again: the message goes, and the banner leaves.
          await page.unroute(`${server.url}/v1/**`);
          await page.getByRole('status').filter({ hasText: HONEST }).waitFor({ state: 'detached', timeout: 20_000 });
          await waitFor(async () => {
            const all = await server.store.exportConversations(server.site.id);
            return all.some((c) => c.messages.some((m) => m.body === text));
          }, { timeoutMs: 20_000, message: 'the message stored on the server' });
          await waitFor(async () => (await outboxItems(page, server.site.id)).length === 0, { message: 'an empty outbox' });
          await page.getByText('Sending…').waitFor({ state: 'detached' });
          // Reachable, and still nobody online: now the widget may say the team is away.
          await page.getByRole('textbox', { name: /Leave your email|Your email/ }).waitFor();
        });
      } finally {
        await context.close();
      }
    });
  }
});
