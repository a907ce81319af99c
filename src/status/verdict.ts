/**
 * The one-line verdict and its exit code (docs/operations.md, "Reading the link's state"):
 *   healthy   0  every route on one gateway, that gateway master, both tunnels up
 *   degraded  1  traffic flows but one failure more would stop it (no redundancy), or the
 *                sources disagree in a way that heals by itself (routes not yet on the master)
 *   down      2  some VPC-to-site or site-to-VPC traffic has no working path
 *   unknown   3  nothing wrong was seen, but a source could not be read
 * Pure: every fact comes from the views.
 */
import { GatewayState, GatewayView, isUnreachable, RoutesView, RtxView, Verdict } from "./types";
import { STALE_STATUS_S } from "../gateway/metrics";

export const EXIT_CODES: Record<Verdict, number> = { healthy: 0, degraded: 1, down: 2, unknown: 3 };

export interface Judgement {
  verdict: Verdict;
  summary: string;
  reasons: string[];
  unreachable: string[];
}

type TunnelKnown = "up" | "down" | "unknown";

/** The prober's word, if it still speaks: a status file not rewritten for 15 s is a stopped prober. */
function tunnelOf(state: GatewayState): TunnelKnown {
  if (!state.tunnel) return "unknown";
  if (state.now - state.tunnel.updatedAt > STALE_STATUS_S) return "unknown";
  return state.tunnel.state;
}

export function judge(routes: RoutesView, gateways: GatewayView[], rtx: RtxView): Judgement {
  const down: string[] = [];
  const degraded: string[] = [];
  const unreachable: string[] = [];
  const states = new Map<string, GatewayState>();
  for (const g of gateways) {
    if (isUnreachable(g.state)) unreachable.push(`${g.name} (${g.state.error})`);
    else states.set(g.name, g.state);
  }
  const tunnel = (name: string): TunnelKnown => {
    const s = states.get(name);
    return s ? tunnelOf(s) : "unknown";
  };

  for (const [name, s] of states) {
    if (!s.keepalivedActive) degraded.push(`keepalived is not running on ${name}`);
    if (!s.tunnel) degraded.push(`${name} has no prober status: the prober is not running`);
    else if (tunnelOf(s) === "unknown")
      degraded.push(
        `${name}'s prober status is ${Math.round(s.now - s.tunnel.updatedAt)} s old: the prober stopped`,
      );
  }
  const downTunnels = gateways.map((g) => g.name).filter((n) => tunnel(n) === "down");
  if (downTunnels.length === gateways.length) down.push("both tunnels are down");
  else if (downTunnels.length > 0)
    degraded.push(`no redundancy: ${downTunnels.join(", ")}'s tunnel is down`);
  const masters = [...states].filter(([, s]) => s.vrrp === "MASTER").map(([n]) => n);
  if (masters.length > 1)
    degraded.push(
      `${masters.join(" and ")} are both VRRP master: their adverts do not reach each other`,
    );

  if (isUnreachable(routes)) unreachable.push(`AWS (${routes.error})`);
  else {
    const carriers = new Set<string>();
    for (const r of routes.routes) {
      const where = `${r.destinationCidrBlock} in ${r.routeTableId}`;
      const t = r.target;
      if (t.kind === "gateway") carriers.add(t.gateway);
      else if (t.kind === "blackhole") down.push(`route ${where} is a blackhole`);
      else if (t.kind === "missing") down.push(`route ${where} is missing`);
      else down.push(`route ${where} points at ${t.description}, not a gateway`);
    }
    for (const g of carriers) {
      if (tunnel(g) === "down") down.push(`routes point at ${g}, whose tunnel is down`);
      const s = states.get(g);
      if (s && s.vrrp !== "MASTER" && masters.length === 1)
        degraded.push(
          `routes point at ${g} while ${masters[0]} is master (the master re-asserts them within 30 s)`,
        );
    }
    if (carriers.size > 1)
      degraded.push(`the routes are split between ${[...carriers].join(" and ")}`);
  }

  if (isUnreachable(rtx)) unreachable.push(`RTX (${rtx.error})`);
  else {
    for (const t of rtx.tunnels) {
      if (t.tunnel === "offline")
        degraded.push(`the RTX's tunnel ${t.tunnelId} (${t.gateway}) is offline`);
    }
    for (const r of rtx.routes) {
      if (r.gateway === null)
        down.push(`the RTX has no route to ${r.destination}: both its keepalives are down`);
      else if (r.gateway === "other")
        down.push(`the RTX sends ${r.destination} out of ${r.interface}, not a gateway's tunnel`);
      else if (tunnel(r.gateway) === "down")
        down.push(`the RTX sends ${r.destination} through ${r.gateway}, whose tunnel is down`);
    }
  }

  const reasons = [...down, ...degraded];
  const verdict: Verdict =
    down.length > 0
      ? "down"
      : degraded.length > 0
        ? "degraded"
        : unreachable.length > 0
          ? "unknown"
          : "healthy";
  return {
    verdict,
    summary: summaryLine(verdict, reasons, unreachable, routes, states),
    reasons,
    unreachable,
  };
}

function summaryLine(
  verdict: Verdict,
  reasons: string[],
  unreachable: string[],
  routes: RoutesView,
  states: Map<string, GatewayState>,
): string {
  const notRead =
    unreachable.length > 0
      ? ` (not read: ${unreachable.map((u) => u.split(" (")[0]).join(", ")})`
      : "";
  if (verdict === "healthy") {
    const carrier = isUnreachable(routes)
      ? "?"
      : routes.routes[0]?.target.kind === "gateway"
        ? (routes.routes[0].target as { gateway: string }).gateway
        : "?";
    const standby = [...states.keys()].filter((n) => n !== carrier).join(", ");
    return `healthy: traffic on ${carrier}, ${standby} standing by, both tunnels up`;
  }
  if (verdict === "unknown") return `unknown: nothing wrong seen${notRead}`;
  const more = reasons.length > 1 ? ` (+${reasons.length - 1} more)` : "";
  const label = verdict === "degraded" ? "degraded" : "down";
  return `${label}: ${reasons[0]}${more}${notRead}`;
}
