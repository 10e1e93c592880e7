/**
 * Runs every `sh` example of docs/protocol.md, in order, in one bash session against a real
 * server, so the documentation cannot drift from the API. Needs curl and jq (.ci/run installs them).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { PASSWORD, startServer, type TestServer } from './harness.ts';

const blocks = [...readFileSync('docs/protocol.md', 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/protocol.md examples', () => {
  let server: TestServer;
  before(async () => { server = await startServer(); });
  after(() => server.close());

  it('has examples for the visitor and agent APIs', () => {
    assert.ok(blocks.length >= 15, `found ${blocks.length} examples`);
    execFileSync('jq', ['--version']);
  });

  it('runs every example as written, each succeeding and printing what it says', async () => {
    const script = ['set -euo pipefail', ...blocks.map((block, i) => [
      `echo "@@block ${i}"`,
      // A stream example ends itself with --max-time; curl reports that as exit 28.
      block.replace(/^(curl -sN --max-time .*)$/gm, '$1 || test $? -eq 28'),
    ].join('\n'))].join('\n');
    // Asynchronously: the server under test runs in this very process.
    const run = await promisify(execFile)('bash', ['-c', script], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PARLEY: server.url, SITE: server.site.id, ORIGIN: 'http://localhost:5555', EMAIL: 'owner@test.local', PASSWORD },
    }).then((r) => ({ ...r, status: 0 }), (e) => ({ stdout: String(e.stdout), stderr: String(e.stderr), status: e.code as number }));
    const outputs = run.stdout.split(/^@@block \d+\n/m).slice(1);
    assert.equal(run.status, 0, `an example failed (block ${outputs.length - 1}):\n${run.stdout.slice(-1500)}\n${run.stderr}`);
    assert.equal(outputs.length, blocks.length);
    outputs.forEach((output, i) => {
      if (!blocks[i]!.includes('# →')) assert.ok(!output.includes('PARLEY_ERR'), `block ${i} printed an error:\n${output}`);
    });
    const retried = outputs.find((_, i) => blocks[i]!.includes('for attempt in 1 2'))!.trim().split('\n');
    assert.equal(retried.length, 2);
    assert.equal(retried[0], retried[1], 'the retried send answers identically');
    assert.ok(outputs.some((o) => o.includes('PARLEY_ERR_CSRF')));
    assert.ok(outputs.some((o) => o.includes('event: reset')), 'the reset example shows a reset');
    assert.ok(outputs.some((o) => o.includes('event: availability')), 'the stream example shows events');
  });
});
