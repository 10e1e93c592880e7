/**
 * The test run of `npm test`, after the type check and the build: every test file, in two phases
 * (test/support/test-phases.ts says which file goes where and why) — first the independent files,
 * several at once, then the others one at a time.
 *
 * Both phases always run; the exit code fails when either did. Extra arguments go to both
 * `node --test` runs (e.g. `npm test -- --test-name-pattern=claim`).
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { testPhases } from './support/test-phases.ts';

/**
 * Files at once in the first phase. They spend most of their time waiting on sockets, disks and
 * the database rather than computing, so a couple more than the cores keep the machine busy; more
 * than four only makes each file slower on a small machine.
 */
const CONCURRENCY = Math.min(4, availableParallelism() + 2);

function runPhase(name: string, files: string[], concurrency: number, extra: string[]): Promise<number> {
  console.log(`\n${name}: ${files.length} files, ${concurrency} at a time`);
  const started = Date.now();
  const child = spawn(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...extra, ...files], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code, signal) => {
    console.log(`${name}: ${code === 0 ? 'passed' : `failed (${signal ?? `exit code ${code}`})`} in ${Math.round((Date.now() - started) / 1000)} s`);
    resolve(code ?? 1);
  }));
}

const extra = process.argv.slice(2);
const { concurrent, serial } = testPhases();
const first = await runPhase('concurrent phase', concurrent, CONCURRENCY, extra);
const second = await runPhase('serial phase', serial, 1, extra);
process.exitCode = first || second;
