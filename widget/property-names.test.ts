import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { namesProblems, SHORTENED } from './property-names.ts';

describe('the names the widget build shortens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-names-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const source = (text: string) => {
    const file = join(dir, `client-${Math.random().toString(36).slice(2)}.ts`);
    writeFileSync(file, text);
    return file;
  };

  it('classifies every property of client/ and host.ts, and names none that is gone', () => {
    assert.deepEqual(namesProblems(), []);
  });

  it('fails for an option renamed in client/: the old name is stale and the new one unclassified', () => {
    const renamed = source('export interface SessionOptions { opener: () => void; onEvent(): void }');
    const lists = { SHORTENED: { ...SHORTENED, client: ['begin', 'onEvent'], host: [] }, KEPT: {} };
    assert.deepEqual(namesProblems({ client: [renamed], host: [] }, lists), [
      '"begin" (client) is shortened but no longer a property there',
      '"opener" (client) is neither shortened nor kept: classify it',
    ]);
  });

  it('fails for a name both shortened and kept, or listed twice', () => {
    const file = source('export type M = { t: "x"; status: string }');
    const lists = { SHORTENED: { chat: ['status'], client: ['t'], host: [], words: ['t'] }, KEPT: { status: 'wire' } };
    assert.deepEqual(namesProblems({ client: [file], host: [] }, lists), [
      '"t" is listed twice',
      '"status" is both shortened and kept',
    ]);
  });

  it('reads only exported types (what the dashboard and the panel see)', () => {
    const file = source('interface Private { hidden: number }\nexport interface Public { shown: number }');
    const lists = { SHORTENED: { chat: [], client: ['shown'], host: [], words: [] }, KEPT: {} };
    assert.deepEqual(namesProblems({ client: [file], host: [] }, lists), []);
  });
});
