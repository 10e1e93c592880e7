import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeOrigin, originAllowed } from './origins.ts';

test('allows exact origins only with the same scheme, host and port', () => {
  const allowed = ['https://shop.example.com', 'http://localhost:3000'];
  assert.equal(originAllowed('https://shop.example.com', allowed), true);
  assert.equal(originAllowed('http://shop.example.com', allowed), false);
  assert.equal(originAllowed('https://shop.example.com:8443', allowed), false);
  assert.equal(originAllowed('http://localhost:3000', allowed), true);
  assert.equal(originAllowed('http://localhost:3001', allowed), false);
});

test('wildcard patterns match subdomains but not the bare domain or look-alikes', () => {
  const allowed = ['https://*.example.com'];
  assert.equal(originAllowed('https://a.example.com', allowed), true);
  assert.equal(originAllowed('https://a.b.example.com', allowed), true);
  assert.equal(originAllowed('https://example.com', allowed), false);
  assert.equal(originAllowed('https://evilexample.com', allowed), false);
  assert.equal(originAllowed('https://example.com.evil.io', allowed), false);
  assert.equal(originAllowed('http://a.example.com', allowed), false);
});

test('rejects malformed and opaque origins', () => {
  assert.equal(originAllowed('null', ['null']), false);
  assert.equal(originAllowed('https://a.example.com/path', ['https://a.example.com/path']), false);
});

test('saves origins the way browsers send them: lower-case, without the default port', () => {
  assert.equal(normalizeOrigin('https://Shop.Example.com:443'), 'https://shop.example.com');
  assert.equal(normalizeOrigin('http://localhost:3000'), 'http://localhost:3000');
  assert.equal(normalizeOrigin('https://*.Example.COM'), 'https://*.example.com');
  assert.equal(normalizeOrigin('http://*.example.com:80'), 'http://*.example.com');
});
