/**
 * Screenshots of the team inbox's end-to-end tests, saved where a reviewer looks at them
 * (/tmp/shots-F1/, the brief's place) and with every other screenshot (test-results/screenshots/).
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { screenshot } from './browser.ts';

const SHOTS = '/tmp/shots-F1';

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
  await screenshot(page, `team-inbox-${name}`);
}
