/**
 * Which addresses a webhook may be sent to (issue 15): the public internet only, unless the
 * installation allows private targets (WEBHOOKS_ALLOW_PRIVATE) — then loopback and private ranges
 * too. Link-local (169.254.169.254 is every cloud's metadata service), multicast, unspecified,
 * documentation and reserved ranges are refused either way. IPv6 forms that embed an IPv4 address
 * (::ffff:127.0.0.1, ::127.0.0.1, 64:ff9b::/96, 2002::/16) are judged by that address, so none of
 * them is a way around the IPv4 rules.
 *
 * Pure: addresses in, a verdict out. Resolving names and connecting to the address judged is
 * safe-request.ts's, so that the address checked is the address connected to.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'multicast' | 'unspecified' | 'reserved';

type Range = [base: number, bits: number, kind: AddressKind];
const v4 = (text: string): number => text.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const V4_RANGES: Range[] = ([
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'], // carrier-grade NAT: someone's internal network
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // with 255.255.255.255, the broadcast address
] as const).map(([base, bits, kind]) => [v4(base), bits, kind]);

function kindOfV4(address: number): AddressKind {
  for (const [base, bits, kind] of V4_RANGES) {
    const size = 2 ** (32 - bits);
    if (address >= base && address < base + size) return kind;
  }
  return 'public';
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included). */
function groupsOf(text: string): number[] {
  let head = text.toLowerCase();
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(head);
  if (dotted) {
    const n = v4(dotted[1]!);
    tail.push(Math.floor(n / 65536), n % 65536);
    head = head.slice(0, -dotted[1]!.length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left, right] = head.includes('::') ? head.split('::') as [string, string] : [head, null];
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const before = parse(left);
  const after = [...parse(right ?? ''), ...tail];
  const missing = 8 - before.length - after.length;
  return right === null ? [...before, ...tail] : [...before, ...Array(missing).fill(0), ...after];
}

const embeddedV4 = (high: number, low: number) => high * 65536 + low;

function kindOfV6(g: number[]): AddressKind {
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(8)) return 'unspecified';
  if (zeroTo(7) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (the old "compatible" form): the IPv4 address decides.
  if (zeroTo(5) && (g[5] === 0xffff || g[5] === 0)) return kindOfV4(embeddedV4(g[6]!, g[7]!));
  // NAT64 (64:ff9b::/96) reaches the IPv4 address it embeds.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return kindOfV4(embeddedV4(g[6]!, g[7]!));
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'private'; // local-use NAT64, RFC 8215
  // 6to4 (2002::/16) tunnels to the IPv4 address in its next 32 bits.
  if (g[0] === 0x2002) return kindOfV4(embeddedV4(g[1]!, g[2]!));
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return 'private'; // fc00::/7, unique local
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xffc0) === 0xfec0) return 'private'; // the old site-local
  if ((first & 0xff00) === 0xff00) return 'multicast';
  if (first === 0x2001 && g[1]! < 0x200) return 'reserved'; // Teredo, ORCHID, benchmarking and other special 2001::/23 ranges
  if (first === 0x2001 && g[1] === 0xdb8) return 'reserved'; // documentation
  if (first === 0x100 && zeroTo(4)) return 'reserved'; // discard-only, 100::/64
  // Only 2000::/3 is handed out as global unicast.
  return (first & 0xe000) === 0x2000 ? 'public' : 'reserved';
}

/** What kind of address this is; throws for text that is not an IP address. */
export function addressKind(address: string): AddressKind {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // brackets of a URL, an IPv6 zone id
  if (isIPv4(bare)) return kindOfV4(v4(bare));
  if (isIPv6(bare)) return kindOfV6(groupsOf(bare));
  throw new Error(`not an IP address: ${address}`);
}

const WHAT: Record<Exclude<AddressKind, 'public'>, string> = {
  loopback: 'a loopback address (this machine)',
  private: 'a private network address',
  'link-local': 'a link-local address (such as a cloud metadata service)',
  multicast: 'a multicast address',
  unspecified: 'the unspecified address',
  reserved: 'a reserved address',
};

/**
 * Why Parley will not send to this address, as a sentence for the owner, or null when it may.
 * `allowPrivate` (WEBHOOKS_ALLOW_PRIVATE) lets loopback and private addresses through, nothing else.
 */
export function refusal(address: string, allowPrivate: boolean): string | null {
  const kind = addressKind(address);
  if (kind === 'public') return null;
  if (allowPrivate && (kind === 'loopback' || kind === 'private')) return null;
  const hint = kind === 'loopback' || kind === 'private' ? ' Set WEBHOOKS_ALLOW_PRIVATE=true on the server to allow it.' : '';
  return `${address.replace(/^\[|\]$/g, '')} is ${WHAT[kind]}, which webhooks are not sent to.${hint}`;
}
