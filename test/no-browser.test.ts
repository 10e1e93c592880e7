/**
 * A machine without Chromium (issue 9): `npm test`'s preflight says in one line how to get one,
 * and a browser test file run anyway fails at once with the same advice instead of hanging with
 * its server and host page open. Each child runs with Playwright's download, CHROMIUM_PATH and
 * the system's browsers all pointed at nothing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findBrowser } from './find-browser.ts';

// Issue 9's promise is "fails within a minute"; only a hang gets near this, and it fails the test.
const LIMIT_MS = 60_000;
const HOW_TO = /Parley's end-to-end tests need Chromium and found none \(CHROMIUM_PATH=\S+ is not an executable file\): run `npx playwright-core install chromium` \(Debian: `apt-get install chromium`\), or set CHROMIUM_PATH=\/path\/to\/chrome/;

const nowhere = mkdtempSync(join(tmpdir(), 'parley-no-browser-'));
after(() => rmSync(nowhere, { recursive: true, force: true }));

const NO_BROWSER = {
  PLAYWRIGHT_BROWSERS_PATH: nowhere,
  CHROMIUM_PATH: join(nowhere, 'chrome'),
  PARLEY_SYSTEM_BROWSERS: '',
  PARLEY_BROWSER_INSTALL: '0',
};

interface Run { code: number | null; output: string }

/** Runs node with `args` until it exits by itself, or kills its whole process group at the limit. */
function runNode(args: string[], env: Record<string, string>): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.NODE_TEST_CONTEXT; // otherwise a nested `node --test` reports to us in the runner's wire format
  const child = spawn(process.execPath, args, { env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const limit = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), LIMIT_MS);
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(limit);
    resolve({ code, output });
  }));
}

describe('without Chromium', { concurrency: true }, () => {
  // widget-chat is the file that hung in issue 9 (the shared widget world); dashboard-live builds
  // its own server and browser in its `before` hook.
  for (const file of ['test/widget-chat.test.ts', 'test/dashboard-live.test.ts']) {
    it(`${file} fails at once and says how to get Chromium, instead of hanging`, async () => {
      const run = await runNode(['--test', file], NO_BROWSER);
      assert.notEqual(run.code, null, `still running after ${LIMIT_MS / 1000} s:\n${run.output}`);
      assert.notEqual(run.code, 0, run.output);
      assert.match(run.output, HOW_TO);
    });
  }

  it("npm test's preflight stops with exactly one line saying how to get Chromium", async () => {
    const run = await runNode(['test/preflight.ts'], NO_BROWSER);
    assert.equal(run.code, 1, run.output);
    const lines = run.output.trim().split('\n');
    assert.equal(lines.length, 1, run.output);
    assert.match(lines[0]!, HOW_TO);
  });

  it("npm test's preflight accepts the Chromium that CHROMIUM_PATH names and says which it uses", async () => {
    const real = findBrowser();
    assert.ok(real, 'this machine has a browser for the end-to-end tests');
    const run = await runNode(['test/preflight.ts'], { ...NO_BROWSER, CHROMIUM_PATH: real.path });
    assert.equal(run.code, 0, run.output);
    assert.equal(run.output.trim(), `End-to-end tests use Chromium at ${real.path} (CHROMIUM_PATH).`);
  });
});
