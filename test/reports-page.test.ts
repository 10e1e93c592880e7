/**
 * The Reports page in Chromium (issue 15), on a month of seeded work (test/support/report-seed.ts):
 * an owner opens Reports and sees the period's figures — the same the API counts — as charts and
 * per-agent and per-site rows; switching the period or the site changes them; the CSV downloads;
 * agents have no Reports link and the API refuses them. Every text is readable (WCAG contrast,
 * test/contrast-audit.ts) in the light and the dark theme, at 1280 and 768 px; screenshots go to
 * /tmp/shots-Q/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { AgentRef, ReportResponse } from '../protocol/protocol.ts';
import { defaultWidgetConfig } from '../server/site-defaults.ts';
import { createSqliteStore } from '../server/store/sqlite-store.ts';
import { launchBrowser, screenshot, withScreenshotsOnFailure } from './browser.ts';
import { contrastFailures, describeFailures } from './contrast-audit.ts';
import { loginAgent, PASSWORD, startServer, type TestServer } from './harness.ts';
import { ensureDashboardBuilt } from './settings-helpers.ts';
import { seedReportMonth } from './support/report-seed.ts';
import { Teardown } from './teardown.ts';

const SHOTS = '/tmp/shots-Q';
const DAY = 86_400_000;

/** The whole page: it scrolls inside its own pane, so the window grows to the pane's height for the picture. */
async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // What the window shows first, then the whole page.
  await page.evaluate(() => document.querySelector('main.page')!.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}-top.png`) });
  const viewport = page.viewportSize()!;
  const extra = await page.evaluate(() => {
    const pane = document.querySelector('main.page')!;
    return pane.scrollHeight - pane.clientHeight;
  });
  await page.setViewportSize({ width: viewport.width, height: viewport.height + Math.max(0, extra) });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  await screenshot(page, `reports-${name}`);
  await page.setViewportSize(viewport);
}

describe('reports page', () => {
  const teardown = new Teardown();
  let server: TestServer;
  let browser: Browser;
  let docsSite: string;
  const pages: Page[] = [];

  before(async () => {
    ensureDashboardBuilt();
    server = teardown.add(await startServer(), (running) => running.close());
    browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
    // A second connection to the server's database, on a clock of its own, to write the past.
    const clock = { at: Date.now() };
    const seeding = createSqliteStore({ path: join(server.dataDir, 'parley.db'), now: () => clock.at });
    try {
      await seeding.migrate();
      docsSite = (await seeding.createSite({ name: 'Docs', allowedOrigins: [], widget: defaultWidgetConfig('Docs'), secret: 'docs-secret-0123456789' })).id;
      const agents: AgentRef[] = [server.alice, server.bob, server.owner].map((u) => ({ id: u.id, name: u.name, avatarUrl: null }));
      const made = await seedReportMonth(seeding, clock, { siteIds: [server.site.id, docsSite], agents, end: Date.now(), days: 90 });
      assert.ok(made > 300, `a busy quarter: ${made} conversations`);
    } finally {
      await seeding.close();
    }
  });
  after(() => teardown.run());

  async function open(width: number, colorScheme: 'light' | 'dark'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme, timezoneId: 'UTC', acceptDownloads: true });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    pages.push(page);
    await page.goto(`${server.url}/app/`);
    await page.getByLabel('Email').fill('owner@test.local');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-state="live"]').waitFor();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    await page.locator('.kpis').waitFor();
    return page;
  }
  const kpi = (page: Page, label: string) => page.locator('.kpi', { hasText: label }).locator('.kpi-value').innerText();
  async function readable(page: Page, where: string): Promise<void> {
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const failures = await contrastFailures(page);
    assert.equal(failures.length, 0, `${where}: text below WCAG contrast:\n${describeFailures(failures)}`);
  }
  /** What the API says for the same query as the page's. */
  async function apiReport(days: number, siteId?: string): Promise<ReportResponse> {
    const owner = await loginAgent(server, 'owner@test.local');
    const day = (at: number) => new Date(at).toISOString().slice(0, 10);
    const query = new URLSearchParams({ from: day(Date.now() - (days - 1) * DAY), to: day(Date.now()), timeZone: 'UTC', ...(siteId ? { siteId } : {}) });
    const result = await owner.admin(`/reports?${query}`);
    assert.equal(result.status, 200);
    return result.body;
  }

  it('shows the last 30 days as the API counts them, by agent and site, and follows the period and the site chosen', () =>
    withScreenshotsOnFailure('reports-figures', () => pages, async () => {
      const page = await open(1280, 'light');
      const month = await apiReport(30);
      assert.ok(month.total.conversations > 50 && month.total.ratings.count > 10, 'enough to look at');
      assert.equal(await kpi(page, 'Conversations'), month.total.conversations.toLocaleString('en-US'));
      assert.equal(await kpi(page, 'Missed'), String(month.total.missed));
      assert.equal(await kpi(page, 'Satisfaction'), `${Math.round((100 * month.total.ratings.satisfied) / month.total.ratings.count)} %`);
      assert.equal(await page.locator('figure.chart').count(), 4);
      // One bar group per day, with what the day holds in its tooltip.
      assert.equal(await page.locator('figure.chart').first().locator('g.day').count(), 30);
      const busiest = month.days.reduce((a, b) => (b.conversations > a.conversations ? b : a));
      const titles = await page.locator('figure.chart').first().locator('g.day title').allTextContents();
      assert.ok(titles.some((t) => t.includes(`Answered: ${busiest.answered}`) && t.includes(`Missed: ${busiest.missed}`)), 'the busiest day\'s tooltip');
      const agents = page.getByRole('region', { name: 'By agent' });
      for (const row of month.agents) {
        const cells = agents.getByRole('row').filter({ has: page.getByRole('rowheader', { name: row.agent?.name ?? 'Nobody (unassigned)', exact: true }) }).getByRole('cell');
        assert.equal((await cells.first().innerText()).trim(), String(row.conversations), `${row.agent?.name}'s conversations`);
      }
      await page.getByRole('region', { name: 'By site' }).getByRole('rowheader', { name: 'Docs' }).waitFor();
      await page.getByRole('region', { name: 'How visitors rated' }).waitFor();
      await readable(page, 'reports, light, 1280');
      await shot(page, 'figures-1280-light');

      await page.getByRole('button', { name: 'Last 7 days' }).click();
      const week = await apiReport(7);
      await page.waitForFunction((n) => document.querySelectorAll('figure.chart:first-of-type g.day').length === n, 7);
      assert.equal(await kpi(page, 'Conversations'), week.total.conversations.toLocaleString('en-US'));
      assert.equal(await page.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed'), 'true');

      await page.getByRole('combobox', { name: /^Site/ }).selectOption({ label: 'Docs' });
      const docs = await apiReport(7, docsSite);
      await page.getByText('· Docs').waitFor();
      assert.equal(await kpi(page, 'Conversations'), docs.total.conversations.toLocaleString('en-US'));
      assert.ok(docs.total.conversations < week.total.conversations);

      await page.getByLabel('From').fill(new Date(Date.now() - 89 * DAY).toISOString().slice(0, 10));
      await page.getByLabel('From').dispatchEvent('change');
      await page.waitForFunction(() => document.querySelectorAll('figure.chart:first-of-type g.day').length === 90);

      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Download CSV' }).click();
      const file = await download;
      assert.match(file.suggestedFilename(), /^parley-report-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
      const { readFile } = await import('node:fs/promises');
      const csv = await readFile((await file.path())!, 'utf8');
      assert.equal(csv.trim().split('\r\n').filter((line) => line.startsWith('day,')).length, 90);
      assert.match(csv, /\r\nsite,,Docs,/);
      await page.context().close();
    }));

  for (const scheme of ['light', 'dark'] as const) {
    it(`is readable in the ${scheme} theme at 1280 and 768 px`, () =>
      withScreenshotsOnFailure(`reports-${scheme}`, () => pages, async () => {
        for (const width of [1280, 768]) {
          const page = await open(width, scheme);
          assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), scheme);
          await page.locator('details.daily summary').click();
          await readable(page, `reports, ${scheme}, ${width}`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          assert.ok(overflow <= 0, `no sideways scroll at ${width} px (${overflow} px)`);
          await shot(page, `reports-${width}-${scheme}`);
          await page.context().close();
        }
      }));
  }

  it('gives agents no Reports link, and the API refuses them', () =>
    withScreenshotsOnFailure('reports-agent', () => pages, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      pages.push(page);
      await page.goto(`${server.url}/app/`);
      await page.getByLabel('Email').fill('alice@test.local');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('[data-state="live"]').waitFor();
      assert.equal(await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Reports' }).count(), 0);
      const alice = await loginAgent(server, 'alice@test.local');
      assert.equal((await alice.admin('/reports?from=2025-01-01&to=2025-01-31&timeZone=UTC')).status, 403);
      await context.close();
    }));
});
