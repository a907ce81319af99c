/** Everything one gateway's files need, derived once from the stack config. */

import { StackConfig } from "../config/types";
import {
  GATEWAY_NAMES,
  isatapLinkMtuOf,
  isatapRouterNextHop,
  tunnelAddressOf,
  tunnelFigures,
  vrrpRouterId,
} from "../render/derived";

export interface IsatapContext {
  router: string;
  /** The router's ISATAP link-local address, next hop for the route to the RTX. */
  nextHop: string;
  linkMtu: number;
}

export interface GatewayContext {
  site: string;
  index: number;
  name: string;
  privateIp: string;
  peerPrivateIp: string;
  interfaceName: string;
  tunnelLocal: string;
  isatap?: IsatapContext;
  rtxAddress: string;
  rtxLanAddress: string;
  tunnelMtu: number;
  mss: number;
  siteCidrs: string[];
  routeTableIds: string[];
  /** Sources whose new SSH connections the gateway's own firewall admits (IPv4 or IPv6 CIDRs). */
  sshAllowedCidrs: string[];
  vrrp: { routerId: number; priority: number; advertIntervalMs: number; placeholder: string };
  /** The tunnel prober's reply budget, ms. */
  probeTimeoutMs: number;
}

/**
 * Gateway 0 is preferred: it wins elections and takes the routes back when it returns. The standby
 * sits just below it because VRRPv3 makes a backup wait its skew time, (256 − priority) / 256 of an
 * advert interval, before it takes over (keepalived 2.2 vrrp.h, VRRP_TIMER_SKEW, from its effective
 * priority): 2 ms at 253 where 190 cost 52 ms and 100 cost 122 ms, on a crash and on a tunnel
 * failure alike. Both stay below the address owner's 255. The standby never preempts
 * (STANDBY_NOPREEMPT): a rolling change visits it first, and at 253 it would otherwise take over from
 * a primary still at an earlier revision's 200.
 */
export const PRIORITIES: readonly number[] = [254, 253];

/** keepalived's `nopreempt` on the standby (keepalived.conf(5): it needs `state BACKUP`). */
export const STANDBY_NOPREEMPT = true;

/**
 * The order a rolling change visits the gateways: lowest VRRP priority first. With preemption the
 * highest-priority gateway is the master whenever it is healthy, so the standby is changed first
 * (no failover), then the master (one failover to the just-checked standby, and one back).
 */
export const ROLLING_ORDER: readonly number[] = PRIORITIES.map((_, i) => i).sort(
  (a, b) => PRIORITIES[a] - PRIORITIES[b],
);

export function gatewayContext(config: StackConfig, index: number): GatewayContext {
  const routerId = vrrpRouterId(config.site.name);
  const { mtu, mss } = tunnelFigures(config);
  return {
    site: config.site.name,
    index,
    name: GATEWAY_NAMES[index],
    privateIp: config.gateways[index].privateIp,
    peerPrivateIp: config.gateways[1 - index].privateIp,
    interfaceName: config.gateway.interfaceName,
    tunnelLocal: tunnelAddressOf(config, index),
    ...(config.ipv6.mode === "isatap"
      ? {
          isatap: {
            router: config.ipv6.isatapRouter ?? "",
            nextHop: isatapRouterNextHop(config),
            linkMtu: isatapLinkMtuOf(config),
          },
        }
      : {}),
    rtxAddress: config.rtx.ipv6Address,
    rtxLanAddress: config.rtx.lanAddress,
    tunnelMtu: mtu,
    mss,
    siteCidrs: config.site.cidrs,
    routeTableIds: config.vpc.routeTableIds,
    sshAllowedCidrs: config.gateway.sshAllowedCidrs,
    vrrp: {
      routerId,
      priority: PRIORITIES[index],
      advertIntervalMs: config.failover.advertIntervalMs,
      // Link-local placeholder: VRRPv3 needs one virtual address; nothing routes to it.
      placeholder: `169.254.254.${routerId}`,
    },
    probeTimeoutMs: config.failover.probeTimeoutMs,
  };
}
