/** IPv4 address and CIDR arithmetic on unsigned 32-bit numbers. */

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export interface Ipv4Cidr {
  network: number;
  prefix: number;
}

/** Parses a dotted quad ("10.0.1.10"); undefined when malformed (no leading zeros, 4 octets). */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** For text already validated as an address (a validated config): a malformed one is a bug. */
export function ipv4OrThrow(text: string): number {
  const address = parseIpv4(text);
  if (address === undefined) throw new Error(`"${text}" is not an IPv4 address`);
  return address;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join(".");
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export type CidrParse = { cidr: Ipv4Cidr } | { error: string };

/** Parses "a.b.c.d/len", rejecting host bits set (a common typo: 10.0.1.5/24). */
export function parseIpv4Cidr(text: string): CidrParse {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match) return { error: `"${text}" is not an IPv4 CIDR (expected a.b.c.d/len)` };
  const address = parseIpv4(match[1]);
  const prefix = Number(match[2]);
  if (address === undefined) return { error: `"${match[1]}" is not an IPv4 address` };
  if (prefix > 32) return { error: `prefix length /${prefix} is over 32` };
  const network = (address & maskOf(prefix)) >>> 0;
  if (network !== address) {
    return {
      error: `"${text}" has host bits set; the network is ${formatIpv4(network)}/${prefix}`,
    };
  }
  return { cidr: { network, prefix } };
}

/** For text already validated as a CIDR (a validated config, a table in the code). */
export function ipv4CidrOrThrow(text: string): Ipv4Cidr {
  const parsed = parseIpv4Cidr(text);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed.cidr;
}

export function formatIpv4Cidr(cidr: Ipv4Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`;
}

export function cidrContains(cidr: Ipv4Cidr, address: number): boolean {
  return (address & maskOf(cidr.prefix)) >>> 0 === cidr.network;
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const shorter = a.prefix <= b.prefix ? a : b;
  const longer = shorter === a ? b : a;
  return cidrContains(shorter, longer.network);
}

export function broadcastOf(cidr: Ipv4Cidr): number {
  return (cidr.network | ~maskOf(cidr.prefix)) >>> 0;
}

/**
 * Whether the CIDRs together cover every IPv4 address (0.0.0.0/1 + 128.0.0.0/1 is 0.0.0.0/0
 * in two pieces): the ranges sorted by start, each must begin no later than one past the end
 * reached so far.
 */
export function cidrsCoverAll(cidrs: readonly Ipv4Cidr[]): boolean {
  const ranges = cidrs.map((c) => [c.network, broadcastOf(c)] as const).sort((a, b) => a[0] - b[0]);
  let next = 0; // the lowest address not yet covered
  for (const [start, end] of ranges) {
    if (start > next) return false;
    next = Math.max(next, end + 1);
    if (next > 0xffffffff) return true;
  }
  return false;
}

/**
 * Why an address can never be a unicast host (the ISATAP router, a next hop), or undefined:
 * RFC 6890's "this host" 0.0.0.0, loopback 127/8, multicast 224/4 (RFC 5771) and the limited
 * broadcast 255.255.255.255 (RFC 919).
 */
export function nonUnicastIpv4Reason(address: number): string | undefined {
  if (address === 0) return "the unspecified address";
  if (address === 0xffffffff) return "the limited broadcast address";
  if (address >>> 24 === 127) return "a loopback address";
  if (address >>> 28 === 0xe) return "a multicast address (224.0.0.0/4)";
  return undefined;
}

/**
 * IPv4 ranges that are not globally unique, for the ISATAP "u" bit (RFC 5214 §6.1: u=1 only when
 * the embedded IPv4 address is known to be globally unique). The list is the one Linux's
 * ipv6_isatap_eui64() treats as non-global (so our addresses match what the kernel forms for the
 * link-local address), plus the ranges RFC 6890 marks not globally reachable that the kernel
 * list lacks: shared address space (RFC 6598, which VPCs may use), TEST-NET-2/3, 192.0.0.0/24
 * and 240.0.0.0/4.
 */
export const NON_GLOBAL_IPV4_RANGES: readonly string[] = [
  "0.0.0.0/8", // "this network"
  "10.0.0.0/8", // RFC 1918
  "100.64.0.0/10", // RFC 6598 shared address space
  "127.0.0.0/8", // loopback
  "169.254.0.0/16", // link-local
  "172.16.0.0/12", // RFC 1918
  "192.0.0.0/24", // IETF protocol assignments
  "192.0.2.0/24", // TEST-NET-1
  "192.88.99.0/24", // 6to4 relay anycast
  "192.168.0.0/16", // RFC 1918
  "198.18.0.0/15", // benchmarking
  "198.51.100.0/24", // TEST-NET-2
  "203.0.113.0/24", // TEST-NET-3
  "224.0.0.0/4", // multicast
  "240.0.0.0/4", // reserved, including limited broadcast
];

const NON_GLOBAL: Ipv4Cidr[] = NON_GLOBAL_IPV4_RANGES.map(ipv4CidrOrThrow);

export function isGloballyUniqueIpv4(address: number): boolean {
  return !NON_GLOBAL.some((range) => cidrContains(range, address));
}
