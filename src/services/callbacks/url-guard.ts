// Vendor callback URLs are chosen by the vendor, and we call them from inside our network: left
// alone, a URL pointing at 127.0.0.1, 10.x or 169.254.169.254 would turn the service into a
// port scanner with a path to internal APIs (SSRF). So callbacks go to public addresses only:
// - at registration, the URL is refused (400) when its host is a non-public IP literal, a
//   localhost name, or a name that resolves to a non-public address right now;
// - at every delivery, each address the name resolves to is checked at connection time (the
//   undici Agent's `connect.lookup`), so a DNS answer that changed after registration, or a
//   rebinding between two lookups, cannot slip past; IP literals (which skip the lookup) are
//   checked before the request. Redirects are never followed (undici's request() does not).
// The WHATWG URL parser has already normalised decimal, octal and hex IPv4 forms (2130706433,
// 0x7f.1, 0177.0.0.1 -> 127.0.0.1), and Node's BlockList matches IPv4-mapped IPv6 addresses
// (::ffff:127.0.0.1) against the IPv4 ranges.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata at 169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the 255.255.255.255 broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 96], // unspecified, loopback (::1) and IPv4-compatible (::127.0.0.1)
  ['64:ff9b::', 96], // NAT64: would reach an IPv4 address, any of the above included
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address (v4, v6 or IPv4-mapped v6) is one we must not call. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The URL's host without IPv6 brackets or a trailing dot, lower case. */
function hostOf(url: URL): string {
  return url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

const isLocalName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/** Why the URL's host itself (before any DNS) is not public, or null. */
export function literalProblem(url: URL): string | null {
  const host = hostOf(url);
  if (isLocalName(host)) return `${host} is a local name`;
  if (isIP(host) && isNonPublicAddress(host)) return `${host} is not a public address`;
  return null;
}

export class NonPublicAddressError extends Error {
  readonly code = 'ERR_NON_PUBLIC_ADDRESS';
}

/**
 * Resolves every address of `host` (the registration check). Null when all are public or the
 * name does not resolve now (DNS can change; each delivery checks again); otherwise why not.
 */
export async function resolvedProblem(url: URL, timeoutMs = 2_000): Promise<string | null> {
  const host = hostOf(url);
  if (isIP(host)) return null;
  const addresses = await Promise.race([
    new Promise<LookupAddress[]>((resolve) =>
      dnsLookup(host, { all: true }, (err, found) => resolve(err ? [] : found)),
    ),
    new Promise<LookupAddress[]>((resolve) => setTimeout(() => resolve([]), timeoutMs).unref()),
  ]);
  const bad = addresses.find((a) => isNonPublicAddress(a.address));
  return bad ? `${host} resolves to ${bad.address}, which is not a public address` : null;
}

/**
 * net.connect's lookup with every resolved address checked: one non-public address refuses the
 * whole name (a name mixing public and private answers is how rebinding is set up).
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const bad = addresses.find((a) => isNonPublicAddress(a.address));
    if (bad) {
      return callback(
        new NonPublicAddressError(`refused: ${hostname} resolves to ${bad.address}, which is not a public address`),
        '',
        0,
      );
    }
    if ((options as { all?: boolean }).all)
      return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    return callback(null, first.address, first.family);
  });
};
