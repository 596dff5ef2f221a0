// Which network addresses the http action may reach. Loopback, private, link-local (which holds the
// cloud metadata service at 169.254.169.254), CGNAT, multicast and reserved ranges are refused unless
// the operator allows them (HTTP_ACTION_ALLOW_PRIVATE=1, or HTTP_ACTION_ALLOWED_HOSTS for named hosts).
import { BlockList, isIP } from "node:net";

const refused = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved and broadcast
] as const) {
  refused.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7], // unique local (includes fd00:ec2::254, AWS metadata)
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
  ["2001:db8::", 32], // documentation
  ["fec0::", 10], // site-local (deprecated, still routed privately)
  ["100::", 64], // discard
  ["64:ff9b:1::", 48], // local-use NAT64 (RFC 8215): its IPv4 embedding varies, so refuse it whole
] as const) {
  refused.addSubnet(net, bits, "ipv6");
}

/** Host names that reach metadata services whatever they resolve to. */
const REFUSED_NAMES = new Set(["metadata.google.internal", "metadata", "instance-data", "localhost"]);

export interface AddressPolicy {
  allowPrivate: boolean;
  /** Lower-case host names (or literal addresses) allowed even when they resolve to refused ranges. */
  allowedHosts: string[];
}

/**
 * The eight 16-bit groups of an IPv6 address in any textual form ("::", hex groups, a trailing
 * dotted quad), or null when it is not one. Zone ids ("%eth0") must be removed first.
 */
export function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.toLowerCase();
  // A trailing dotted quad ("::ffff:1.2.3.4") is two groups.
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length > 1 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  const groups = [...head, ...Array<string>(halves.length > 1 ? missing : 0).fill("0"), ...tail].map((g) =>
    parseInt(g, 16),
  );
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

function ipv4From(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * The IPv4 address an IPv6 address carries (and routes to), or null. Covers every form a URL can
 * spell: IPv4-mapped (::ffff:a.b.c.d, also written ::ffff:7f00:1), IPv4-compatible (::a.b.c.d,
 * ::7f00:1), IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002::/16) and
 * Teredo's client address (2001::/32, stored inverted).
 */
export function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  if (!g) return null;
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && g[5] === 0xffff) return ipv4From(g[6]!, g[7]!); // mapped
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return ipv4From(g[6]!, g[7]!); // translated
  if (zero(0, 6) && (g[6] !== 0 || g[7]! > 1)) return ipv4From(g[6]!, g[7]!); // compatible (not :: or ::1)
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return ipv4From(g[6]!, g[7]!); // NAT64
  if (g[0] === 0x2002) return ipv4From(g[1]!, g[2]!); // 6to4
  if (g[0] === 0x2001 && g[1] === 0) return ipv4From(g[6]! ^ 0xffff, g[7]! ^ 0xffff); // Teredo
  return null;
}

/** True when the address is in a refused range. IPv6 forms that carry an IPv4 address are checked as that IPv4. */
export function isRefusedAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return refused.check(bare, "ipv4");
  if (family === 6) {
    const lower = bare.toLowerCase();
    const inner = embeddedIpv4(lower);
    if (inner !== null && refused.check(inner, "ipv4")) return true;
    return refused.check(lower, "ipv6");
  }
  return true; // not an address at all: refuse rather than guess
}

export function hostIsAllowListed(hostname: string, policy: AddressPolicy): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return policy.allowedHosts.includes(host);
}

/** Why a connection to `address` (resolved from `hostname`) is refused, or null when it may proceed. */
export function refusalReason(hostname: string, address: string, policy: AddressPolicy): string | null {
  if (policy.allowPrivate || hostIsAllowListed(hostname, policy)) return null;
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (REFUSED_NAMES.has(host) || host.endsWith(".localhost")) {
    return `refusing to reach ${hostname}: local and metadata hosts are not allowed (set HTTP_ACTION_ALLOW_PRIVATE=1 or HTTP_ACTION_ALLOWED_HOSTS to allow)`;
  }
  if (isRefusedAddress(address)) {
    return `refusing to reach ${hostname} (${address}): loopback, private, link-local and metadata addresses are not allowed (set HTTP_ACTION_ALLOW_PRIVATE=1 or HTTP_ACTION_ALLOWED_HOSTS to allow)`;
  }
  return null;
}
