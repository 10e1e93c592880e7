/**
 * client/ is shared by the dashboard, which runs it on @preact/signals-core, and the widget, whose
 * build swaps in widget/signals.ts (a fraction of the bytes). client/'s own unit tests run on the
 * library; here they run again on the widget's signals, so a difference that matters to the
 * transport, the outbox, the leader election or the session fails a test.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { globSync } from 'node:fs';
import { describe, it } from 'node:test';

describe('client/ on the widget\'s signals', () => {
  it('passes every client/ unit test with widget/signals.ts in place of @preact/signals-core', async () => {
    const files = globSync('client/*.test.ts').sort();
    assert.ok(files.length >= 4, `found ${files.join(', ')}`);
    const child = spawn(process.execPath, ['--import', './test/support/widget-signals-hooks.ts', '--test', '--test-concurrency=1', '--test-reporter=dot', ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, output);
  });
});
