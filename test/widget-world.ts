/**
 * What every widget end-to-end test starts from: a customer's site on its own origin, a Parley
 * server that allows that origin, and Chromium — plus the two gestures most tests make.
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startHostSite, type HostSite } from './browser.ts';
import { startServer, type TestServer } from './harness.ts';
import type { Config } from '../server/config.ts';
import { Teardown } from './teardown.ts';

export interface WidgetWorld {
  host: HostSite;
  server: TestServer;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Starts the three parts (`server`: settings of the Parley server, e.g. a shorter long-poll); if
 * one fails to start, closes the ones already running before rethrowing.
 */
export async function startWidgetWorld(server: Partial<Config> = {}): Promise<WidgetWorld> {
  const teardown = new Teardown();
  try {
    const host = teardown.add(await startHostSite(), (site) => site.close());
    const parley = teardown.add(await startServer({ ...server, allowedOrigins: [host.origin] }), (running) => running.close());
    const browser = teardown.add(await launchBrowser(), (chromium) => chromium.close());
    return { host, server: parley, browser, close: () => teardown.run() };
  } catch (error) {
    await teardown.run().catch(() => {});
    throw error;
  }
}

/** Opens the panel from the launcher and waits for the composer (locators pierce the open shadow root). */
export async function openWidget(page: Page): Promise<void> {
  await page.getByRole('button', { name: /chat with us/i }).click();
  await page.getByRole('textbox', { name: 'Message' }).waitFor();
}

/** Types a message and sends it with Enter, as a visitor does. */
export async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}
