/** The text form of a status report: what an operator reads, the verdict line first. */
import { GatewayState, isUnreachable, RouteTarget, StatusReport, Transition } from "./types";

function targetText(t: RouteTarget): string {
  switch (t.kind) {
    case "gateway":
      return `${t.gateway} (${t.networkInterfaceId})`;
    case "blackhole":
      return `blackhole${t.networkInterfaceId ? ` (${t.networkInterfaceId})` : ""}`;
    case "missing":
      return "missing";
    case "other":
      return `other: ${t.description}`;
  }
}

/** "2026-01-01 00:00:00Z" from seconds since the epoch. */
export function timeText(epochSeconds: number): string {
  return new Date(epochSeconds * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}

function transitionLines(label: string, list: Transition[], count: number): string[] {
  return list
    .slice(-count)
    .reverse()
    .map((t) => `      ${label} ${timeText(t.at)}  ${t.from} -> ${t.to}: ${t.reason}`);
}

function gatewayLines(s: GatewayState): string[] {
  const lines = [
    `    VRRP ${s.vrrp}, keepalived ${s.keepalivedActive ? "running" : "not running"}`,
  ];
  const t = s.tunnel;
  if (!t) lines.push("    tunnel: no prober status");
  else {
    const rtt = t.rttMs
      ? `rtt ${t.rttMs.avg} ms (min ${t.rttMs.min}, max ${t.rttMs.max})`
      : "no replies";
    lines.push(
      `    tunnel ${t.state} since ${timeText(t.since)}, loss ${t.lossPercent}% of ${t.probes} probes, ${rtt}`,
    );
  }
  const history = [
    ...transitionLines("vrrp  ", s.vrrpTransitions, 3),
    ...transitionLines("tunnel", t?.transitions ?? [], 3),
  ];
  if (history.length > 0) lines.push("    last transitions:", ...history);
  return lines;
}

export function formatStatus(report: StatusReport): string {
  const out = [report.summary, "", `site ${report.site}, checked ${report.checkedAt}`, ""];
  out.push("VPC routes (AWS):");
  if (isUnreachable(report.routes)) out.push(`  not read: ${report.routes.error}`);
  else
    for (const r of report.routes.routes)
      out.push(
        `  ${r.routeTableId}  ${r.destinationCidrBlock.padEnd(18)} -> ${targetText(r.target)}`,
      );
  out.push("", "Gateways:");
  for (const g of report.gateways) {
    out.push(`  ${g.name} ${g.privateIp}`);
    if (isUnreachable(g.state)) out.push(`    not read: ${g.state.error}`);
    else out.push(...gatewayLines(g.state));
  }
  out.push("", "RTX:");
  if (isUnreachable(report.rtx)) out.push(`  not read: ${report.rtx.error}`);
  else {
    for (const t of report.rtx.tunnels)
      out.push(`  tunnel ${t.tunnelId} (${t.gateway}): ${t.tunnel}`);
    for (const r of report.rtx.routes)
      out.push(
        `  route ${r.destination}: ${r.gateway === null ? "none (both keepalives down)" : `${r.gateway} via ${r.interface}`}`,
      );
  }
  if (report.reasons.length > 1) out.push("", "Reasons:", ...report.reasons.map((r) => `  - ${r}`));
  return `${out.join("\n")}\n`;
}
