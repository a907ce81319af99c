/** IPv6 parsing and RFC 5952 canonical formatting on arrays of eight 16-bit groups. */

import { parseIpv4 } from "./ipv4";

export type Ipv6Groups = number[];

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseGroups(text: string): number[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(v4 >>> 16, v4 & 0xffff);
    } else if (HEX_GROUP.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** Parses any textual IPv6 address (with "::" and an embedded dotted quad); no zone, no prefix. */
export function parseIpv6(text: string): Ipv6Groups | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]);
  const tail = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** RFC 5952: lowercase, no leading zeros, the longest run (>1) of zero groups as "::". */
export function formatIpv6(groups: Ipv6Groups): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  const head = hex.slice(0, bestStart).join(":");
  const tail = hex.slice(bestStart + bestLength).join(":");
  return `${head}::${tail}`;
}

/** Canonical text of an IPv6 address, or undefined when malformed. */
export function canonicalIpv6(text: string): string | undefined {
  const groups = parseIpv6(text);
  return groups ? formatIpv6(groups) : undefined;
}

export interface Ipv6Prefix {
  groups: Ipv6Groups;
  length: number;
}

export type Ipv6PrefixParse = { prefix: Ipv6Prefix } | { error: string };

/** Parses "x::/len", rejecting bits set past the prefix length. */
export function parseIpv6Prefix(text: string): Ipv6PrefixParse {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!match) return { error: `"${text}" is not an IPv6 prefix (expected x:x::/len)` };
  const groups = parseIpv6(match[1]);
  const length = Number(match[2]);
  if (!groups) return { error: `"${match[1]}" is not an IPv6 address` };
  if (length > 128) return { error: `prefix length /${length} is over 128` };
  const hostBitsSet = groups.some((group, i) => {
    const keep = Math.max(0, Math.min(16, length - i * 16));
    const hostMask = keep === 16 ? 0 : 0xffff >>> keep;
    return (group & hostMask) !== 0;
  });
  if (hostBitsSet) return { error: `"${text}" has bits set past /${length}` };
  return { prefix: { groups, length } };
}

/** fe80::/10 (RFC 4291 §2.5.6). */
export function isLinkLocalIpv6(groups: Ipv6Groups): boolean {
  return (groups[0] & 0xffc0) === 0xfe80;
}

/** ff00::/8 (RFC 4291 §2.7). */
export function isMulticastIpv6(groups: Ipv6Groups): boolean {
  return (groups[0] & 0xff00) === 0xff00;
}

/** ::ffff:0:0/96 (RFC 4291 §2.5.5.2): an IPv4 address written as IPv6, never on an IPv6 wire. */
export function isIpv4MappedIpv6(groups: Ipv6Groups): boolean {
  return groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
}

/** True for ::, ::1, fe80::/10 link-local and ff00::/8 multicast: never a tunnel endpoint. */
export function isUnusableTunnelEndpoint(groups: Ipv6Groups): boolean {
  const unspecifiedOrLoopback = groups.slice(0, 7).every((g) => g === 0) && groups[7] <= 1;
  return unspecifiedOrLoopback || isLinkLocalIpv6(groups) || isMulticastIpv6(groups);
}
