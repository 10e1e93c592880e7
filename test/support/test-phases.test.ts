import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, it } from 'node:test';
import { CONCURRENT, testPhases } from './test-phases.ts';

/** What a file running beside others must not use (test-phases.ts: no browser, process, mount). */
const FORBIDDEN_MODULES = ['playwright-core', 'node:child_process', 'child_process'];
/** test/ helpers that start a browser or server processes. */
const FORBIDDEN_HELPERS = ['test/browser.ts', 'test/widget-world.ts', 'test/settings-helpers.ts', 'test/cluster-world.ts'];

/** The file and every test/ module it imports, directly or not. */
function withLocalImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
    const imported = normalize(join(dirname(file), specifier!));
    if (imported.startsWith('test/')) withLocalImports(imported, seen);
  }
  return seen;
}

describe('test phases', () => {
  it('runs every test file of the repository, each in exactly one phase', () => {
    const { concurrent, serial } = testPhases();
    const every = globSync('**/*.test.ts', { exclude: (name) => name === 'node_modules' || name === 'dist' || name.startsWith('.') }).sort();
    assert.deepEqual([...concurrent, ...serial].sort(), every);
    assert.equal(new Set([...concurrent, ...serial]).size, every.length, 'no file in both phases');
  });

  it('keeps browser and process tests out of the concurrent phase: unlisted test/ files run one at a time', () => {
    const { concurrent, serial } = testPhases();
    for (const file of ['test/widget-chat.test.ts', 'test/dashboard-live.test.ts', 'test/start.test.ts', 'test/cluster.test.ts']) {
      assert.ok(serial.includes(file), `${file} is serial`);
    }
    // This file names what it looks for, so it is not looked at.
    for (const file of concurrent.filter((name) => name !== 'test/support/test-phases.test.ts')) {
      for (const module of withLocalImports(file)) {
        const source = readFileSync(module, 'utf8');
        for (const forbidden of FORBIDDEN_MODULES) {
          assert.ok(!source.includes(`'${forbidden}'`), `${file} runs beside other files but ${module} imports ${forbidden}`);
        }
        assert.ok(!FORBIDDEN_HELPERS.includes(module), `${file} runs beside other files but imports ${module}`);
        assert.ok(!/\bmount\b.*tmpfs|listen\(\s*(\{\s*port:\s*)?[1-9]/.test(source), `${file} runs beside other files but ${module} mounts or listens on a fixed port`);
      }
    }
    assert.ok(CONCURRENT.length > 0);
  });
});
