import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKind, refusal } from './ssrf.ts';

describe('webhook target addresses', () => {
  it('tells public addresses from loopback, private, link-local, multicast, unspecified and reserved ones (IPv4)', () => {
    const cases: Record<string, string> = {
      '93.184.215.14': 'public', '8.8.8.8': 'public', '1.1.1.1': 'public', '172.32.0.1': 'public', '100.128.0.1': 'public',
      '127.0.0.1': 'loopback', '127.255.255.254': 'loopback',
      '10.0.0.1': 'private', '172.16.0.1': 'private', '172.31.255.255': 'private', '192.168.1.20': 'private', '100.64.0.1': 'private',
      '169.254.169.254': 'link-local', '224.0.0.251': 'multicast', '239.255.255.250': 'multicast',
      '0.0.0.0': 'unspecified', '0.1.2.3': 'unspecified',
      '255.255.255.255': 'reserved', '240.0.0.1': 'reserved', '192.0.2.1': 'reserved', '198.18.0.1': 'reserved', '203.0.113.9': 'reserved',
    };
    for (const [address, kind] of Object.entries(cases)) assert.equal(addressKind(address), kind, address);
  });

  it('judges IPv6 forms that embed an IPv4 address by that address, and knows the IPv6 ranges', () => {
    const cases: Record<string, string> = {
      '2606:4700:4700::1111': 'public', '2a00:1450:4001:80b::200e': 'public',
      '::1': 'loopback', '[::1]': 'loopback', '::': 'unspecified',
      '::ffff:127.0.0.1': 'loopback', '::ffff:7f00:1': 'loopback', '::FFFF:10.1.2.3': 'private', '::ffff:169.254.169.254': 'link-local',
      '::ffff:93.184.215.14': 'public', '::127.0.0.1': 'loopback', '64:ff9b::a9fe:a9fe': 'link-local', '64:ff9b::8.8.8.8': 'public',
      '2002:7f00:1::1': 'loopback', '2002:c0a8:0101::1': 'private',
      'fc00::1': 'private', 'fd12:3456::1': 'private', 'fe80::1': 'link-local', 'fe80::1%eth0': 'link-local', 'fec0::1': 'private',
      'ff02::1': 'multicast', '2001:db8::1': 'reserved', '2001::1': 'reserved', '100::1': 'reserved', '3fff::1': 'public', '4000::1': 'reserved',
    };
    for (const [address, kind] of Object.entries(cases)) assert.equal(addressKind(address), kind, address);
  });

  it('refuses everything but public addresses, and lets only loopback and private ones through when private targets are allowed', () => {
    assert.equal(refusal('93.184.215.14', false), null);
    assert.match(refusal('127.0.0.1', false)!, /127\.0\.0\.1 is a loopback address.*WEBHOOKS_ALLOW_PRIVATE=true/);
    assert.match(refusal('[::ffff:127.0.0.1]', false)!, /^::ffff:127\.0\.0\.1 is a loopback address/);
    assert.match(refusal('192.168.0.10', false)!, /private network/);
    assert.equal(refusal('127.0.0.1', true), null);
    assert.equal(refusal('::1', true), null);
    assert.equal(refusal('10.0.0.5', true), null);
    for (const always of ['169.254.169.254', 'fe80::1', '224.0.0.1', '0.0.0.0', '::', '255.255.255.255', '2001:db8::5']) {
      assert.ok(refusal(always, true), `${always} stays refused with private targets allowed`);
      assert.doesNotMatch(refusal(always, true)!, /WEBHOOKS_ALLOW_PRIVATE/, 'and the switch is not suggested for it');
    }
    assert.throws(() => addressKind('example.com'), /not an IP address/);
  });
});
