/**
 * An agent with several dashboard tabs in one browser (issue 11): the tabs elect one leader
 * (client/session.ts) that holds the agent's only stream and relays it, so the server sees one
 * stream however many tabs are open, every tab shows the same live state, and when the leader tab
 * closes another takes the stream over.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, withScreenshotsOnFailure } from './browser.ts';
import { newVisitor, PASSWORD, startServer, type TestServer } from './harness.ts';
import { Teardown } from './teardown.ts';
import { waitFor } from './wait-for.ts';

function ensureBuilt(): void {
  if (existsSync('dist/dashboard/index.html')) return;
  const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'dashboard/vite.config.ts'], { stdio: 'inherit', timeout: 120_000 });
  assert.equal(result.status, 0, 'building the dashboard failed');
}

const row = (page: Page, conversationId: string) => page.locator(`[data-conversation-id="${conversationId}"]`);

describe('agent dashboard in several tabs', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let pages: Page[] = [];
  const teardown = new Teardown();
  /** The agent stream requests each tab made, by tab. */
  const streamsOf = new Map<Page, number>();

  const openTab = async (): Promise<Page> => {
    const page = await context.newPage();
    streamsOf.set(page, 0);
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/v1/agent/stream') streamsOf.set(page, streamsOf.get(page)! + 1);
    });
    pages.push(page);
    return page;
  };
  const agentStreams = () => server.app.services.hub.count(`agent:${server.alice.id}`);

  before(async () => {
    ensureBuilt();
    server = teardown.add(await startServer(), (running) => running.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
    // One context is one browser profile: its tabs share the cookie, Web Locks and BroadcastChannel.
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(10_000);
  });

  after(() => teardown.run());

  it('holds one agent stream for two tabs, shows a new visitor message in both, and keeps the other tab receiving when the leader tab closes', () =>
    withScreenshotsOnFailure('dashboard-tabs', () => pages.filter((page) => !page.isClosed()), async () => {
      const first = await openTab();
      await first.goto(`${server.url}/app/`);
      await first.getByLabel('Email').fill('alice@test.local');
      await first.getByLabel('Password').fill(PASSWORD);
      await first.getByRole('button', { name: 'Sign in' }).click();
      await first.locator('[data-state="live"]').waitFor();

      // The second tab is signed in by the cookie, and says live from the leader's word.
      const second = await openTab();
      await second.goto(`${server.url}/app/`);
      await second.getByRole('tab', { name: /Waiting/ }).waitFor();
      await second.locator('[data-state="live"]').waitFor();
      assert.equal(agentStreams(), 1, 'one stream for the agent, not one per tab');
      assert.deepEqual([streamsOf.get(first), streamsOf.get(second)], [1, 0], 'the first tab leads and the second opens none');

      const visitor = await newVisitor(server);
      const { id } = await visitor.start();
      await visitor.send(id, 'Is my parcel lost?');
      await Promise.all([row(first, id).getByText('Is my parcel lost?').waitFor(), row(second, id).getByText('Is my parcel lost?').waitFor()]);

      // The leader closes: the second tab takes the lock over and opens the stream itself.
      await first.close();
      await waitFor(() => streamsOf.get(second)! >= 1, { message: 'the second tab to open the stream' });
      await second.locator('[data-state="live"]').waitFor();
      await waitFor(() => agentStreams() === 1, { message: () => `one agent stream (${agentStreams()})` });

      await visitor.send(id, 'Hello? Still there?');
      await row(second, id).getByText('Hello? Still there?').waitFor();
      await row(second, id).click();
      await second.locator('.bubble-row').getByText('Hello? Still there?').waitFor();
      assert.equal(agentStreams(), 1);
    }));
});
