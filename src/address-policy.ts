import { isIPv4, isIPv6 } from 'node:net';
import { BroadsheetError } from './errors.ts';

/*
 * Which IP addresses an outbound request (a partner webhook, a WebSub hub) may reach: public unicast only. Pure
 * functions, no I/O: the outbound client (outbound-http.ts) applies them to every address a name resolves to, and
 * the configuration check and the webhook deliverer apply them to a URL's literal IP host.
 */

/** An IPv4 block: the first address as an unsigned 32-bit number and the prefix length. */
type V4Block = readonly [base: number, prefix: number];

/** A block written as a dotted quad: split by hand, as these constants are known to be canonical (so loading the
 * module checks no address). */
const v4 = (dotted: string, prefix: number): V4Block => [
  dotted.split('.').reduce((n, part) => n * 256 + Number(part), 0),
  prefix,
];

/** Every IPv4 block that is not public unicast (RFC 6890 and its updates). */
const NON_PUBLIC_V4: readonly V4Block[] = [
  v4('0.0.0.0', 8), // "this network"
  v4('10.0.0.0', 8), // RFC 1918
  v4('100.64.0.0', 10), // CGNAT (RFC 6598)
  v4('127.0.0.0', 8), // loopback
  v4('169.254.0.0', 16), // link-local, cloud metadata (169.254.169.254)
  v4('172.16.0.0', 12), // RFC 1918
  v4('192.0.0.0', 24), // IETF protocol assignments
  v4('192.0.2.0', 24), // TEST-NET-1
  v4('192.88.99.0', 24), // 6to4 relay anycast (deprecated)
  v4('192.168.0.0', 16), // RFC 1918
  v4('198.18.0.0', 15), // benchmarking
  v4('198.51.100.0', 24), // TEST-NET-2
  v4('203.0.113.0', 24), // TEST-NET-3
  v4('224.0.0.0', 4), // multicast
  v4('240.0.0.0', 4), // reserved, and 255.255.255.255 (broadcast)
];

/** A dotted-quad IPv4 address (the canonical spelling only) as an unsigned 32-bit number. */
function parseIPv4(ip: string): number | undefined {
  if (!isIPv4(ip)) return undefined;
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function inV4Block(n: number, [base, prefix]: V4Block): boolean {
  const size = 2 ** (32 - prefix);
  return Math.floor(n / size) === Math.floor(base / size);
}

function isPublicV4(n: number): boolean {
  return !NON_PUBLIC_V4.some((block) => inV4Block(n, block));
}

/** An IPv6 address (any valid spelling, a zone id allowed) as its eight 16-bit groups. */
function parseIPv6(ip: string): number[] | undefined {
  const zone = ip.indexOf('%');
  const address = zone >= 0 ? ip.slice(0, zone) : ip;
  if (!isIPv6(address)) return undefined;
  let text = address.toLowerCase();
  // A dotted IPv4 tail becomes two groups.
  const last = text.slice(text.lastIndexOf(':') + 1);
  if (last.includes('.')) {
    const n = parseIPv4(last);
    if (n === undefined) return undefined;
    text = `${text.slice(0, -last.length)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  if (rest === undefined) return groups(head);
  const before = groups(head);
  const after = groups(rest);
  return [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
}

/** The IPv4 address held in two 16-bit groups. */
const embedded = (high: number, low: number): number => high * 65536 + low;

function isPublicV6(g: number[]): boolean {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g as [number, number, number, number, number, number, number, number];
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  // IPv4-mapped ::ffff:a.b.c.d: the IPv4 address it stands for decides.
  if (zeroTo(5) && g5 === 0xffff) return isPublicV4(embedded(g6, g7));
  // NAT64 well-known prefix 64:ff9b::/96: likewise the IPv4 address it translates to.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isPublicV4(embedded(g6, g7));
  // 6to4 2002::/16: the IPv4 address in bits 16 to 47 is where it goes.
  if (g0 === 0x2002) return isPublicV4(embedded(g1, g2));
  // Global unicast is 2000::/3; everything else (::, ::1, IPv4-compatible ::/96, ::ffff:0:0:0/96, 100::/64,
  // 64:ff9b:1::/48, fc00::/7 with fd00:ec2::254, fe80::/10, fec0::/10, ff00::/8 ...) is not public.
  if (g0 < 0x2000 || g0 > 0x3fff) return false;
  // IETF special-purpose 2001::/23 (Teredo 2001::/32, benchmarking, ORCHID), documentation 2001:db8::/32 and 3fff::/20.
  if (g0 === 0x2001 && g1 < 0x0200) return false;
  if (g0 === 0x2001 && g1 === 0x0db8) return false;
  if (g0 === 0x3fff && g1 < 0x1000) return false;
  return true;
}

/**
 * Whether an outbound request may go to this IP address: public unicast only. False for loopback, RFC 1918,
 * link-local, unique-local, CGNAT, 0/8, multicast, broadcast, reserved and documentation ranges, the metadata
 * addresses, IPv4-mapped and -compatible IPv6 forms, NAT64 and 6to4 forms of non-public IPv4 addresses, and
 * anything that is not an IP address in canonical spelling (127.1 is not one: parse URLs with `new URL` first).
 */
export function isPublicAddress(ip: string): boolean {
  const n = parseIPv4(ip);
  if (n !== undefined) return isPublicV4(n);
  const groups = parseIPv6(ip);
  return groups !== undefined && groups.length === 8 && isPublicV6(groups);
}

/** Whether this IP address is a loopback address (127/8, ::1, ::ffff:127.x.y.z): a local run's receivers. */
export function isLoopbackAddress(ip: string): boolean {
  const n = parseIPv4(ip);
  if (n !== undefined) return inV4Block(n, v4('127.0.0.0', 8));
  const g = parseIPv6(ip);
  if (g?.length !== 8) return false;
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true;
  return (
    g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff && inV4Block(embedded(g[6]!, g[7]!), v4('127.0.0.0', 8))
  );
}

/** A URL's host as an IP address when it is one (brackets of IPv6 removed), else undefined (a name). */
export function literalAddress(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') && url.hostname.endsWith(']') ? url.hostname.slice(1, -1) : url.hostname;
  return isIPv4(host) || isIPv6(host) ? host : undefined;
}

/**
 * What is wrong with an outbound URL without resolving it, or undefined: it must be https (http only with
 * `allowLocal`, to localhost or a loopback address), without credentials, and a literal IP host must be public (loopback too with `allowLocal`).
 * WHATWG URL parsing has already turned 127.1, 0x7f.1, 2130706433 and 0177.0.0.1 into 127.0.0.1.
 */
export function outboundUrlProblem(value: string, options: { allowLocal?: boolean } = {}): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  const ip = literalAddress(url);
  // Plain http is for a local run's receivers on this machine only.
  const local =
    options.allowLocal === true && (url.hostname === 'localhost' || (ip !== undefined && isLoopbackAddress(ip)));
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) return 'must be an https:// URL';
  if (url.hostname === '') return 'must name a host';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (ip !== undefined && !isPublicAddress(ip) && !(options.allowLocal && isLoopbackAddress(ip))) {
    return `must not point at a private, loopback, link-local or reserved address (${ip})`;
  }
  return undefined;
}

/** The URL or an address its name resolves to is not one an outbound request goes to; nothing was sent. */
export class OutboundRefusedError extends BroadsheetError {
  override name = 'OutboundRefusedError';
}
