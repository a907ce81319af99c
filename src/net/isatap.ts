/** ISATAP interface identifiers and addresses (RFC 5214 §6.1). */

import { isGloballyUniqueIpv4 } from "./ipv4";
import { formatIpv6, Ipv6Groups } from "./ipv6";

/** Interface id: 0000:5efe:a.b.c.d, or 0200:5efe:a.b.c.d (u bit) when the IPv4 address is global. */
export function isatapInterfaceId(ipv4: number): Ipv6Groups {
  const uBit = isGloballyUniqueIpv4(ipv4) ? 0x0200 : 0x0000;
  return [uBit, 0x5efe, ipv4 >>> 16, ipv4 & 0xffff];
}

/** The ISATAP address of an IPv4 address in a /64 prefix (first four groups of the prefix). */
export function isatapAddress(prefix64: Ipv6Groups, ipv4: number): string {
  return formatIpv6([...prefix64.slice(0, 4), ...isatapInterfaceId(ipv4)]);
}

/** The ISATAP link-local address (fe80::/64) of an IPv4 address, e.g. the router's next hop. */
export function isatapLinkLocal(ipv4: number): string {
  return isatapAddress([0xfe80, 0, 0, 0], ipv4);
}
