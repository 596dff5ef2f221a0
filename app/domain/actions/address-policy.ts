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

/** True when the address is in a refused range. IPv4-mapped and NAT64 IPv6 forms are checked as IPv4. */
export function isRefusedAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return refused.check(bare, "ipv4");
  if (family === 6) {
    const lower = bare.toLowerCase();
    const mapped = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped) return refused.check(mapped[1], "ipv4");
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
