/** Values derived from the stack config that both ends of the tunnel agree on (README "Derived values"). */

import { StackConfig } from "../config/types";
import { parseIpv4 } from "../net/ipv4";
import { parseIpv6 } from "../net/ipv6";
import { isatapAddress, isatapLinkLocal } from "../net/isatap";
import { isatapLinkMtu, pathTunnelMtu, tcpMss, tunnelMtu } from "../net/mtu";
import { TunnelFigures } from "./types";

export const GATEWAY_NAMES = ["gw-a", "gw-b"] as const;

function ipv4Of(text: string): number {
  const value = parseIpv4(text);
  if (value === undefined) throw new Error(`not an IPv4 address: ${text}`);
  return value;
}

/** The gateway's IPv6 tunnel endpoint: its ISATAP address, or its pinned native address. */
export function tunnelAddressOf(config: StackConfig, index: number): string {
  const gateway = config.gateways[index];
  if (config.ipv6.mode === "native") {
    if (!gateway.ipv6Address) throw new Error(`gateways[${index}].ipv6Address is missing`);
    return gateway.ipv6Address;
  }
  const prefix = parseIpv6((config.ipv6.isatapPrefix ?? "").replace(/\/64$/, ""));
  if (!prefix) throw new Error("ipv6.isatapPrefix is missing");
  return isatapAddress(prefix, ipv4Of(gateway.privateIp));
}

/** The ISATAP router's link-local address: the gateways' IPv6 next hop toward the RTX. */
export function isatapRouterNextHop(config: StackConfig): string {
  return isatapLinkLocal(ipv4Of(config.ipv6.isatapRouter ?? ""));
}

export function isatapLinkMtuOf(config: StackConfig): number {
  return isatapLinkMtu(config.ipv6.underlayMtu);
}

export function tunnelFigures(config: StackConfig): TunnelFigures {
  const mtu = tunnelMtu(config.ipv6);
  const pathAllows = pathTunnelMtu(config.ipv6);
  return { mtu, mss: tcpMss(mtu), ...(pathAllows > mtu ? { cappedFrom: pathAllows } : {}) };
}

/**
 * VRRP router id, stable per site so two sites' pairs in one VPC differ (FNV-1a of the name, 1..255).
 * Unicast VRRP does not need it unique, but distinct ids keep the logs unambiguous.
 */
export function vrrpRouterId(siteName: string): number {
  let hash = 0x811c9dc5;
  for (const char of siteName) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % 255) + 1;
}
