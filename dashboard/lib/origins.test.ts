import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOrigins, serverOrigin } from './origins.ts';

test('accepts exact origins with ports and wildcard subdomains, one a line, ignoring blanks and trailing slashes', () => {
  const { origins, invalid } = parseOrigins('https://shop.example.com/\n\n  http://localhost:3000\nhttps://*.example.com\nhttps://shop.example.com');
  assert.deepEqual(origins, ['https://shop.example.com', 'http://localhost:3000', 'https://*.example.com']);
  assert.deepEqual(invalid, []);
});

test('rejects what the server would reject: paths, other schemes, wildcards not at the start', () => {
  const { invalid } = parseOrigins('https://example.com/shop\nftp://example.com\nhttps://shop.*.example.com\nexample.com\nhttps://*');
  assert.deepEqual(invalid, ['https://example.com/shop', 'ftp://example.com', 'https://shop.*.example.com', 'example.com', 'https://*']);
});

test('reads the server origin from the snippet', () => {
  assert.equal(serverOrigin('<script async src="https://chat.example.com/widget/loader.js" data-site="s_1"></script>', 'x'), 'https://chat.example.com');
  assert.equal(serverOrigin('nothing', 'http://fallback'), 'http://fallback');
});
