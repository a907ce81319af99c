/**
 * The site RTX's configuration lines (docs/rtx.md), checked against YAMAHA's command
 * reference Rev.23.02.02. Lines inside a `tunnel select N` block are indented by one space, the
 * way `show config` prints them; the RTX client sends them in that context.
 *
 * Firmware notes (from the reference; RTX810 predates it, so check its own reference):
 * - `tunnel endpoint address [local] remote`, `tunnel encapsulation ipip`, `ip keepalive` with
 *   `local-address=`, upwait/downwait: listed for RTX830, RTX840, RTX1210, RTX1220, RTX1300,
 *   RTX3500, RTX3510, RTX5000 and vRX.
 * - `ip tunnel tcp mss limit auto` is the default from RTX830 Rev.15.02.03, RTX1210 Rev.14.01.26,
 *   RTX5000/RTX3500 Rev.14.00.22 and Rev.15.04 on; older firmware defaults to off, so we send it.
 * - `ipv6 filter` with several comma-separated sources: all models in the reference.
 */

import { StackConfig } from "../config/types";
import { GATEWAY_NAMES, tunnelAddressOf, tunnelFigures } from "../render/derived";
import { RenderedRtx } from "../render/types";
import { removalCommands } from "./plan";

/** IP protocol number of IPv4-in-IPv6 (ipip6). */
const IPIP_PROTOCOL = 4;

/**
 * Keepalive reply timeouts (s). downwait 1: a probe unanswered for a second counts as lost (the
 * default, 5, would add four seconds to every failover); upwait 1 likewise for recovery.
 */
const KEEPALIVE_UPWAIT_S = 1;
const KEEPALIVE_DOWNWAIT_S = 1;

/** Marks a tunnel block as this stack's (the client refuses to touch a block without it). */
export function tunnelDescription(site: string, gateway: string): string {
  return `vpc-ipip6-gateway:${site}:${gateway}`;
}

export function renderRtx(config: StackConfig): RenderedRtx {
  const commands = [
    ...filterLines(config),
    ...config.gateways.flatMap((_, i) => tunnelBlock(config, i)),
    ...keepaliveLines(config),
    ...routeLines(config),
  ];
  const { rtxKeepaliveIntervalS, rtxKeepaliveCount } = config.failover;
  return {
    commands,
    removeCommands: removalCommands(commands),
    keepaliveDetectionMs: rtxKeepaliveIntervalS * rtxKeepaliveCount * 1000,
    keepaliveIntervalMs: rtxKeepaliveIntervalS * 1000,
  };
}

/** Protocol 4 from exactly the two gateways' tunnel addresses, put in the WAN's inbound list. */
function filterLines(config: StackConfig): string[] {
  const sources = config.gateways.map((_, i) => tunnelAddressOf(config, i)).join(",");
  const { ipv6FilterId, wanInterface } = config.rtx;
  return [
    `ipv6 filter ${ipv6FilterId} pass ${sources} * ${IPIP_PROTOCOL}`,
    `ipv6 ${wanInterface} secure filter in ${ipv6FilterId}`,
  ];
}

function tunnelBlock(config: StackConfig, index: number): string[] {
  const tunnel = config.rtx.tunnelIds[index];
  const { mtu } = tunnelFigures(config);
  return [
    `tunnel select ${tunnel}`,
    ` description tunnel ${tunnelDescription(config.site.name, GATEWAY_NAMES[index])}`,
    " tunnel encapsulation ipip",
    ` tunnel endpoint address ${config.rtx.ipv6Address} ${tunnelAddressOf(config, index)}`,
    ` ip tunnel mtu ${mtu}`,
    " ip tunnel tcp mss limit auto",
    ` tunnel enable ${tunnel}`,
  ];
}

/** Each gateway's private IP probed from the LAN address, so replies come back through the tunnel. */
function keepaliveLines(config: StackConfig): string[] {
  const { rtxKeepaliveIntervalS, rtxKeepaliveCount } = config.failover;
  return config.gateways.map(
    (gateway, i) =>
      `ip keepalive ${config.rtx.keepaliveIds[i]} icmp-echo ${rtxKeepaliveIntervalS} ${rtxKeepaliveCount} ` +
      `${gateway.privateIp} upwait=${KEEPALIVE_UPWAIT_S} downwait=${KEEPALIVE_DOWNWAIT_S} ` +
      `local-address=${config.rtx.lanAddress}`,
  );
}

/**
 * A host route to each gateway through its own tunnel (so each keepalive tests its own tunnel),
 * then each VPC network through tunnel A while keepalive A holds, else tunnel B (weight 0: used
 * only when A is down; B's own keepalive drops it too when B is down).
 */
function routeLines(config: StackConfig): string[] {
  const [tunnelA, tunnelB] = config.rtx.tunnelIds;
  const [keepaliveA, keepaliveB] = config.rtx.keepaliveIds;
  const hostRoutes = config.gateways.map(
    (g, i) => `ip route ${g.privateIp} gateway tunnel ${config.rtx.tunnelIds[i]}`,
  );
  const vpcRoutes = config.vpc.cidrs.map(
    (cidr) =>
      `ip route ${cidr} gateway tunnel ${tunnelA} keepalive ${keepaliveA} ` +
      `gateway tunnel ${tunnelB} keepalive ${keepaliveB} weight 0`,
  );
  return [...hostRoutes, ...vpcRoutes];
}
