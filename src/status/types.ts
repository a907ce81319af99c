/**
 * What `npm run status` reports (docs/operations.md, "Reading the link's state"): one view per
 * source (AWS route tables, each gateway, the RTX), each either read or the reason it was not.
 */

/** A source that could not be read: which one and why (never a secret). */
export interface Unreachable {
  error: string;
}

/** Where a managed route sends the site's traffic. */
export type RouteTarget =
  | { kind: "gateway"; gateway: string; networkInterfaceId: string }
  | { kind: "blackhole"; networkInterfaceId?: string }
  | { kind: "other"; description: string }
  | { kind: "missing" };

export interface RouteView {
  routeTableId: string;
  destinationCidrBlock: string;
  target: RouteTarget;
}

export type RoutesView = { routes: RouteView[] } | Unreachable;

/** keepalived's VRRP state as the gateway shows it. */
export type VrrpState = "MASTER" | "BACKUP" | "FAULT" | "STOP" | "unknown";

export interface Transition {
  /** Seconds since the epoch (fractional). */
  at: number;
  from: string;
  to: string;
  reason: string;
}

/** The prober's status file (docs/gateway-prober.md), as much of it as status shows. */
export interface TunnelHealth {
  state: "up" | "down";
  since: number;
  updatedAt: number;
  lossPercent: number;
  probes: number;
  rttMs: { min: number; avg: number; max: number } | null;
  transitions: Transition[];
}

export interface GatewayState {
  keepalivedActive: boolean;
  /** The VRRP placeholder address is on the vrrp link: this gateway is the master now. */
  holdsPlaceholder: boolean;
  vrrp: VrrpState;
  /** VRRP transitions the notify hook recorded, oldest first. */
  vrrpTransitions: Transition[];
  /** Absent when the prober has written no status file (not running, or just started). */
  tunnel?: TunnelHealth;
  /** Seconds since the epoch on the gateway when it was read (to judge a stale status file). */
  now: number;
}

export interface GatewayView {
  name: string;
  privateIp: string;
  state: GatewayState | Unreachable;
}

/** The RTX's view of one gateway's tunnel interface (`show status tunnel N`). */
export interface RtxTunnelView {
  gateway: string;
  tunnelId: number;
  /** An ipip tunnel is "Online" while enabled: it says nothing about the path's health. */
  tunnel: "online" | "offline" | "unknown";
  /** The lines the judgement rests on. */
  evidence: string[];
}

/**
 * Which tunnel the RTX sends a VPC network through now (`show ip route`): its keepalives pick the
 * gateway (the route names both, each with its keepalive), so this is the keepalives' verdict.
 */
export interface RtxRouteView {
  destination: string;
  /** The gateway whose tunnel carries it, "other" for another interface, null when no route. */
  gateway: string | null;
  interface: string | null;
}

export type RtxView = { tunnels: RtxTunnelView[]; routes: RtxRouteView[] } | Unreachable;

export type Verdict = "healthy" | "degraded" | "down" | "unknown";

export interface StatusReport {
  site: string;
  /** ISO 8601, when status ran. */
  checkedAt: string;
  routes: RoutesView;
  gateways: GatewayView[];
  rtx: RtxView;
  verdict: Verdict;
  /** One line: the verdict and why. */
  summary: string;
  /** Every reason behind the verdict, worst first. */
  reasons: string[];
  /** The sources that could not be read. */
  unreachable: string[];
}

export function isUnreachable(value: object): value is Unreachable {
  return "error" in value;
}
