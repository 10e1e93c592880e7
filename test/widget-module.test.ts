/**
 * The ES-module way in, for single-page apps: import { load, Parley } from the server, and the
 * widget starts exactly as with the snippet — commands queued before it loaded included.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { screenshot, withScreenshotsOnFailure, type HostSite } from './browser.ts';
import type { TestServer } from './harness.ts';
import { startWidgetWorld, type WidgetWorld } from './widget-world.ts';

let server: TestServer;
let host: HostSite;
let browser: Browser;
let world: WidgetWorld;

before(async () => {
  world = await startWidgetWorld();
  ({ host, server, browser } = world);
});
after(() => world?.close());

it('starts from an ES module import in a single-page app, keeps early commands, and loads once', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  await withScreenshotsOnFailure('widget-module', () => [page], async () => {
    host.setHtml(`<!doctype html><html><head><meta charset="utf-8"><title>SPA</title></head><body><div id="app">My app</div>
<script type="module">
  import { load, Parley } from '${server.url}/widget/parley.mjs';
  Parley('on', 'open', () => { document.body.dataset.opened = 'yes'; });
  Parley('open');
  load('${server.site.id}');
  load('${server.site.id}');
</script></body></html>`);
    await page.goto(host.url('/'));
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await page.waitForFunction(() => document.body.dataset.opened === 'yes');
    assert.equal(await page.locator('script[data-parley-module]').count(), 1, 'loaded once');
    const globals = await page.evaluate(() => typeof (window as unknown as { Parley: unknown }).Parley);
    assert.equal(globals, 'function');
    const served = await fetch(`${server.url}/widget/parley.mjs`, { headers: { origin: host.origin } });
    assert.match(served.headers.get('content-type') ?? '', /javascript/);
    assert.equal(served.headers.get('access-control-allow-origin'), '*');
    await screenshot(page, 'widget-module-spa');
  });
  await context.close();
});

it('starts again when load is called after a shutdown', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  await withScreenshotsOnFailure('widget-module-reload', () => [page], async () => {
    host.setHtml(`<!doctype html><html><head><meta charset="utf-8"><title>SPA</title></head><body><div id="app">My app</div>
<script type="module">
  import { load, Parley } from '${server.url}/widget/parley.mjs';
  window.spa = { load: () => load('${server.site.id}'), Parley };
  load('${server.site.id}');
</script></body></html>`);
    await page.goto(host.url('/'));
    const launcher = page.getByRole('button', { name: /chat/i });
    await launcher.waitFor();
    await page.evaluate(() => (window as any).spa.Parley('shutdown'));
    await page.waitForFunction(() => !document.querySelector('parley-widget'));
    await page.evaluate(() => { (window as any).spa.load(); (window as any).spa.Parley('open'); });
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    assert.equal(await page.locator('parley-widget').count(), 1);
    assert.equal(await page.locator('script[data-parley-module]').count(), 1, 'the old tag is replaced, not added to');
  });
  await context.close();
});
