/**
 * Run by `npm test` before anything else: makes sure the end-to-end tests have a Chromium that
 * starts. When none is found it tries to obtain one where that can work — the distribution's
 * package when running as root on Debian or Ubuntu, Playwright's installer when its download host
 * answers — and otherwise stops at once with one line saying how to get one, instead of twenty
 * failing browser tests.
 *
 * It must never hang: every child process and probe has a timeout. It says one short line when a
 * browser is there. PARLEY_BROWSER_INSTALL=0 makes it look only, never install.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from './browser.ts';
import { findBrowser, howToGetChromium, type FoundBrowser } from './find-browser.ts';

const APT_TIMEOUT = 300_000;
const APT_UPDATE_TIMEOUT = 120_000;
// Chromium and its headless shell are ~300 MB; the probe below has already shown the host answers.
const PLAYWRIGHT_TIMEOUT = 180_000;
const PROBE_TIMEOUT = 5_000;

interface Outcome { ok: boolean; lastLine: string }

/** Runs a command in its own process group, killing the whole group if it outlives `timeoutMs`. */
function run(command: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<Outcome> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4_000); };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\ntimed out after ${timeoutMs / 1000} s`;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
    }, timeoutMs);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      // A grandchild may still hold the pipes; they must not keep this process alive.
      child.stdout.destroy();
      child.stderr.destroy();
      // The last line that is not a stack frame says what went wrong ("Error: Download failure…").
      const lines = output.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('at '));
      resolve({ ok, lastLine: lines.at(-1) ?? '' });
    };
    child.on('error', (error) => { output += `\n${error.message}`; done(false); });
    child.on('exit', (code) => done(code === 0));
  });
}

function debianLike(): boolean {
  if (process.platform !== 'linux' || !existsSync('/etc/os-release')) return false;
  const release = readFileSync('/etc/os-release', 'utf8');
  return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release);
}

/** Whether Playwright's download host answers at all; an offline machine fails this in milliseconds. */
async function downloadHostAnswers(): Promise<boolean> {
  // Node's fetch ignores proxy variables; Playwright's installer honours them, so let it try.
  if (['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'].some((name) => process.env[name])) return true;
  const host = process.env.PLAYWRIGHT_CHROMIUM_DOWNLOAD_HOST || process.env.PLAYWRIGHT_DOWNLOAD_HOST || 'https://cdn.playwright.dev';
  try {
    await fetch(host, { method: 'HEAD', signal: AbortSignal.timeout(PROBE_TIMEOUT) });
    return true;
  } catch {
    return false;
  }
}

interface Attempt { label: string; applies(): boolean | Promise<boolean>; run(): Promise<Outcome> }

const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
// Short network timeouts so an unreachable mirror fails in seconds rather than minutes.
const aptOptions = ['-o', 'Acquire::Retries=0', '-o', 'Acquire::http::Timeout=15', '-o', 'Acquire::https::Timeout=15'];

const ATTEMPTS: Attempt[] = [
  {
    label: 'apt-get install chromium',
    applies: () => process.getuid?.() === 0 && debianLike() && existsSync('/usr/bin/apt-get'),
    async run() {
      const install = () => run('/usr/bin/apt-get', [...aptOptions, 'install', '-y', '-qq', 'chromium'], APT_TIMEOUT, aptEnv);
      const first = await install();
      if (first.ok) return first;
      // A fresh image has no package lists yet.
      const update = await run('/usr/bin/apt-get', [...aptOptions, 'update', '-qq'], APT_UPDATE_TIMEOUT, aptEnv);
      return update.ok ? install() : update;
    },
  },
  {
    label: 'npx playwright-core install chromium',
    applies: downloadHostAnswers,
    run() {
      const cli = join(dirname(fileURLToPath(import.meta.resolve('playwright-core/package.json'))), 'cli.js');
      return run(process.execPath, [cli, 'install', 'chromium'], PLAYWRIGHT_TIMEOUT);
    },
  },
];

async function obtain(tried: string[]): Promise<FoundBrowser | undefined> {
  if (process.env.PARLEY_BROWSER_INSTALL === '0') return undefined;
  for (const attempt of ATTEMPTS) {
    if (!(await attempt.applies())) continue;
    console.error(`No Chromium for the end-to-end tests; trying ${attempt.label} …`);
    const outcome = await attempt.run();
    const found = findBrowser();
    if (found) return found;
    tried.push(`${attempt.label}: ${outcome.ok ? 'no browser after it' : outcome.lastLine || 'failed'}`);
  }
  return undefined;
}

function stop(line: string): never {
  console.error(line);
  process.exit(1);
}

const tried: string[] = [];
const found = findBrowser() ?? (await obtain(tried));
if (!found) stop(howToGetChromium() + (tried.length ? ` (tried ${tried.join('; ')})` : ''));

try {
  const browser = await launchBrowser();
  await browser.close();
} catch (error) {
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  stop(`Parley's end-to-end tests found Chromium at ${found.path} (${found.source}) but it does not start: ${reason} — fix it, or set CHROMIUM_PATH=/path/to/chrome`);
}
console.log(`End-to-end tests use Chromium at ${found.path} (${found.source}).`);
process.exit(0);
