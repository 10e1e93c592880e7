/**
 * Browser harness for end-to-end tests: Chromium through playwright-core (whichever
 * test/find-browser.ts finds), a "customer website" served from another origin than the Parley
 * server, and screenshots under test-results/.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findBrowser, howToGetChromium } from './find-browser.ts';

export const SCREENSHOTS = join('test-results', 'screenshots');

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];

/** Starts headless Chromium, or throws at once with the one line saying how to get one. */
export async function launchBrowser(): Promise<Browser> {
  const found = findBrowser();
  if (!found) throw new Error(howToGetChromium());
  // A browser that hangs while starting fails well before the test runner would notice (180 s by default).
  return chromium.launch({ executablePath: found.path, args: FLAGS, headless: true, timeout: 30_000 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Runs `body` and, if it throws, saves a screenshot of every page given before rethrowing, so a
 * failure in CI leaves a picture of what the user would have seen.
 */
export async function withScreenshotsOnFailure<T>(name: string, pages: () => Page[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    await Promise.all(pages().map((page, i) => screenshot(page, `FAILED-${name}-${i}`).catch(() => {})));
    throw error;
  }
}

export interface HostSite {
  origin: string;
  url: (path?: string) => string;
  /** Replace the page the host serves (any path serves it). */
  setHtml(html: string): void;
  close(): Promise<void>;
}

/** A customer's website on its own origin (http://localhost:<port>), serving whatever HTML it is given. */
export async function startHostSite(html = '<!doctype html><title>Host</title><h1>Customer site</h1>'): Promise<HostSite> {
  let page = html;
  const server = createServer((request, response) => {
    if (request.url === '/favicon.ico') { response.writeHead(404).end(); return; }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // "localhost" rather than 127.0.0.1: a different origin from the Parley server's 127.0.0.1 URL.
  const origin = `http://localhost:${port}`;
  return {
    origin,
    url: (path = '/') => `${origin}${path}`,
    setHtml: (next) => void (page = next),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
