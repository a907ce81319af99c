/**
 * Day two in the lab (docs/lab.md, "Day two"): what the gateways published to the CloudWatch
 * stand-in (every PutMetricData call is one JSON line of metrics-calls.jsonl with its form body,
 * decoded here with the project's own parser) and what the read-only status script
 * (src/status/gateway.ts) found on each gateway at the end of a run. Pure functions.
 */

import { METRIC, parsePutMetricDataBody } from "../src/gateway/metrics";
import { parseGatewayRead } from "../src/status/gateway";

export interface MetricsCall {
  caller: string | null;
  status: number;
  code: string | null;
  t: number;
  body: string;
}

export interface GatewayMetrics {
  /** PutMetricData calls that landed (200), and those refused, by error code. */
  accepted: number;
  refused: Record<string, number>;
  /** VrrpTransition datapoints by their State dimension, and in the order they were sent. */
  transitions: Record<string, number>;
  transitionStates: string[];
  /** Every TunnelUp / IsMaster value sent, oldest first. */
  tunnelUp: number[];
  isMaster: number[];
  /** Datapoints whose Gateway dimension is not the caller's: a gateway publishing as its peer. */
  foreignDatapoints: number;
}

export function parseMetricsLog(lines: readonly string[]): MetricsCall[] {
  const calls: MetricsCall[] = [];
  for (const line of lines) {
    try {
      const e = JSON.parse(line) as MetricsCall;
      if (typeof e.body === "string" && typeof e.status === "number") calls.push(e);
    } catch {
      // a torn last line: skipped
    }
  }
  return calls;
}

function dimension(d: { dimensions: Array<[string, string]> }, name: string): string | undefined {
  return d.dimensions.find(([n]) => n === name)?.[1];
}

/** Per gateway (the caller the stand-in authenticated, not what the body claims). */
export function metricsByGateway(
  calls: readonly MetricsCall[],
  gateways: readonly string[],
): Record<string, GatewayMetrics> {
  const out: Record<string, GatewayMetrics> = {};
  for (const g of gateways)
    out[g] = {
      accepted: 0,
      refused: {},
      transitions: {},
      transitionStates: [],
      tunnelUp: [],
      isMaster: [],
      foreignDatapoints: 0,
    };
  for (const c of [...calls].sort((a, b) => a.t - b.t)) {
    const m = c.caller ? out[c.caller] : undefined;
    if (!m) continue;
    if (c.status !== 200) {
      const code = c.code ?? String(c.status);
      m.refused[code] = (m.refused[code] ?? 0) + 1;
      continue;
    }
    m.accepted++;
    for (const d of parsePutMetricDataBody(c.body).data) {
      if (dimension(d, "Gateway") !== c.caller) m.foreignDatapoints++;
      if (d.name === METRIC.vrrpTransition) {
        const state = dimension(d, "State") ?? "?";
        m.transitions[state] = (m.transitions[state] ?? 0) + 1;
        m.transitionStates.push(state);
      } else if (d.name === METRIC.tunnelUp) m.tunnelUp.push(d.value);
      else if (d.name === METRIC.isMaster) m.isMaster.push(d.value);
    }
  }
  return out;
}

export interface GatewayStatusRead {
  /** What parseGatewayRead made of the script's output, or why it could not. */
  vrrp?: string;
  tunnel?: string;
  keepalivedActive?: boolean;
  holdsPlaceholder?: boolean;
  transitions?: number;
  error?: string;
}

export function readGatewayStatus(
  output: string[] | undefined,
  placeholder: string,
): GatewayStatusRead {
  if (!output) return { error: "no output" };
  try {
    const s = parseGatewayRead(output.join("\n"), placeholder);
    return {
      vrrp: s.vrrp,
      tunnel: s.tunnel?.state ?? "unknown",
      keepalivedActive: s.keepalivedActive,
      holdsPlaceholder: s.holdsPlaceholder,
      transitions: s.vrrpTransitions.length,
    };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
