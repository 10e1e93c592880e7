/**
 * Which Chromium the end-to-end tests drive, looked for in this order: Playwright's own download
 * (`npx playwright-core install chromium`), CHROMIUM_PATH, then the system's Chromium or Chrome at
 * the usual paths and on PATH. Used by test/browser.ts and test/preflight.ts. It only looks: it
 * never installs or launches anything.
 *
 * PARLEY_SYSTEM_BROWSERS (path-separated, may be empty) replaces the system search, so a test can
 * make the real browser invisible; PLAYWRIGHT_BROWSERS_PATH does the same for Playwright's own.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium } from 'playwright-core';

export interface FoundBrowser {
  path: string;
  /** Where it was found: Playwright's download, the CHROMIUM_PATH variable, or the system. */
  source: 'playwright' | 'CHROMIUM_PATH' | 'system';
}

const SYSTEM_PATHS = [
  '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];
const NAMES_ON_PATH = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function playwrightExecutable(): string | undefined {
  // Throws on platforms Playwright has no build for; then there is simply no bundled browser.
  try { return chromium.executablePath(); } catch { return undefined; }
}

function systemCandidates(env: NodeJS.ProcessEnv): string[] {
  const override = env.PARLEY_SYSTEM_BROWSERS;
  if (override !== undefined) return override.split(delimiter).filter(Boolean);
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean).flatMap((dir) => NAMES_ON_PATH.map((name) => join(dir, name)));
  return [...SYSTEM_PATHS, ...onPath];
}

export function findBrowser(env: NodeJS.ProcessEnv = process.env): FoundBrowser | undefined {
  const bundled = playwrightExecutable();
  if (bundled && isExecutable(bundled)) return { path: bundled, source: 'playwright' };
  if (env.CHROMIUM_PATH && isExecutable(env.CHROMIUM_PATH)) return { path: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  const system = systemCandidates(env).find(isExecutable);
  return system ? { path: system, source: 'system' } : undefined;
}

/** The one line a person reads when there is no browser: what is missing and how to get it. */
export function howToGetChromium(env: NodeJS.ProcessEnv = process.env): string {
  const wrongPath = env.CHROMIUM_PATH && !isExecutable(env.CHROMIUM_PATH) ? ` (CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file)` : '';
  return `Parley's end-to-end tests need Chromium and found none${wrongPath}: run \`npx playwright-core install chromium\` (Debian: \`apt-get install chromium\`), or set CHROMIUM_PATH=/path/to/chrome`;
}
