/**
 * What every widget end-to-end test starts from: a customer's site on its own origin, a Parley
 * server that allows that origin, and Chromium — plus the two gestures most tests make.
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startHostSite, type HostSite } from './browser.ts';
import { startServer, type TestServer } from './harness.ts';

export interface WidgetWorld {
  host: HostSite;
  server: TestServer;
  browser: Browser;
  close(): Promise<void>;
}

export async function startWidgetWorld(): Promise<WidgetWorld> {
  const host = await startHostSite();
  const server = await startServer({ allowedOrigins: [host.origin] });
  const browser = await launchBrowser();
  return {
    host, server, browser,
    async close() {
      await browser.close();
      await server.close();
      await host.close();
    },
  };
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
