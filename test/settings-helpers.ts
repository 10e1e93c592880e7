/**
 * Shared by the settings end-to-end tests: a dashboard build that is never older than its sources,
 * and signing in through the real login form.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PASSWORD, type TestServer } from './harness.ts';

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(file) : statSync(file).mtimeMs);
  }
  return newest;
}

/** Builds dist/dashboard when it is missing or older than dashboard/ (so the tests never run stale code). */
export function ensureDashboardBuilt(): void {
  const index = 'dist/dashboard/index.html';
  if (existsSync(index) && statSync(index).mtimeMs >= newestIn('dashboard')) return;
  const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit', timeout: 120_000 });
  assert.equal(result.status, 0, 'building the dashboard failed');
}

export async function signIn(page: Page, server: TestServer, email: string, path = '/app/'): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-state="live"]').waitFor();
}
