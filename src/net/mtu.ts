/** Tunnel MTU and TCP MSS arithmetic (README "Derived values"; docs/rtx.md "Models" for the cap). */

export const IPV6_HEADER = 40;
export const IPV4_HEADER = 20;
export const TCP_AND_IPV4_HEADERS = 40;
export const MIN_LINK_MTU = 1280;
export const MAX_LINK_MTU = 9001;
/** The largest `ip tunnel mtu` an RTX takes (command reference 8.1.4: 64..1500). */
export const MAX_RTX_TUNNEL_MTU = 1500;

export interface MtuInputs {
  mode: "isatap" | "native";
  /** IPv6 path MTU between the gateways and the RTX. */
  pathMtu: number;
  /** isatap: IPv4 MTU toward the ISATAP router. */
  underlayMtu: number;
}

/** MTU of sit1 (IPv6 carried in IPv4): the underlay less the outer IPv4 header. */
export function isatapLinkMtu(underlayMtu: number): number {
  return underlayMtu - IPV4_HEADER;
}

/**
 * What the path lets the ipip6 tunnel carry with `encaplimit none`: the IPv6 path less the outer
 * IPv6 header, and in isatap mode no more than what sit1 carries less that header.
 */
export function pathTunnelMtu(inputs: MtuInputs): number {
  const overPath = inputs.pathMtu - IPV6_HEADER;
  if (inputs.mode === "native") return overPath;
  return Math.min(overPath, isatapLinkMtu(inputs.underlayMtu) - IPV6_HEADER);
}

/**
 * The MTU both tunnel ends get: what the path carries, capped at the RTX's maximum (a jumbo
 * path still gives 1500 on both ends, so the two ends always agree).
 */
export function tunnelMtu(inputs: MtuInputs): number {
  return Math.min(pathTunnelMtu(inputs), MAX_RTX_TUNNEL_MTU);
}

export function tcpMss(mtu: number): number {
  return mtu - TCP_AND_IPV4_HEADERS;
}
