import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeUserAgent } from './user-agent.ts';

describe('summarizeUserAgent', () => {
  it('names Chrome on Windows', () => {
    const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
    assert.deepEqual(summarizeUserAgent(ua), { browser: 'Chrome 126', os: 'Windows' });
  });
  it('names Safari on iOS rather than Chrome', () => {
    const ua = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
    assert.deepEqual(summarizeUserAgent(ua), { browser: 'Safari 17', os: 'iOS' });
  });
  it('names Edge before the Chrome it contains', () => {
    const ua = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0';
    assert.deepEqual(summarizeUserAgent(ua), { browser: 'Edge 126', os: 'macOS' });
  });
  it('returns nothing for a missing user agent', () => {
    assert.deepEqual(summarizeUserAgent(undefined), { browser: null, os: null });
  });
});
