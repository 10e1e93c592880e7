import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeBrowser } from '../test/support/fake-browser.ts';
import { settle } from '../test/support/settle.ts';
import { createLeader } from './leader.ts';

describe('leader', () => {
  it('elects exactly one leader among the tabs of a site and relays messages to the others', async () => {
    const browser = fakeBrowser();
    const got: string[][] = [[], [], []];
    const led = [false, false, false];
    const tabs = [0, 1, 2].map((i) => createLeader<string>({ name: 'parley:s1', deps: browser, onLeader: () => (led[i] = true), onMessage: (m) => got[i]!.push(m) }));
    await settle();
    assert.deepEqual(led, [true, false, false]);
    tabs[0]!.post('event 1');
    await settle();
    assert.deepEqual(got, [[], ['event 1'], ['event 1']]);
  });

  it('hands leadership to a waiting tab when the leader closes', async () => {
    const browser = fakeBrowser();
    let led = 0;
    const first = createLeader<string>({ name: 'parley:s1', deps: browser, onLeader: () => {}, onMessage: () => {} });
    const second = createLeader<string>({ name: 'parley:s1', deps: browser, onLeader: () => led++, onMessage: () => {} });
    await settle();
    assert.equal(led, 0);
    first.close();
    await settle();
    assert.equal(led, 1);
  });

  it('makes every tab its own leader where Web Locks are unavailable', async () => {
    const browser = fakeBrowser();
    let led = 0;
    const deps = { locks: null, channel: browser.channel };
    createLeader<string>({ name: 'x', deps, onLeader: () => led++, onMessage: () => {} });
    createLeader<string>({ name: 'x', deps, onLeader: () => led++, onMessage: () => {} });
    assert.equal(led, 2);
  });
});
