/**
 * The split-brain scenario's figures, from the EC2 stand-in's call log (one JSON line per call,
 * lab/aws-standin/aws_standin.py) and the lab's timer-run log ("start end gateway rc", epoch s):
 * how often each route moved while VRRP was blocked and after it healed, and how many re-assert
 * timer runs each gateway made meanwhile.
 */

export interface StandinCall {
  t: number;
  caller: string | null;
  action: string;
  table?: string | null;
  cidr?: string | null;
  status: number;
  code: string | null;
  moved: boolean;
  /** When the stand-in had read the request (t: when it answered). */
  received?: number;
}

export interface TimerRun {
  start: number;
  end: number;
  gateway: string;
  rc: number;
}

export interface SplitWindow {
  /** When VRRP was blocked, when it was let through again, when the scenario ended (epoch s). */
  splitAt: number;
  healAt: number;
  endAt: number;
}

export interface SplitBrainCounts {
  /** "rtb-… 10.1.0.0/16" -> successful calls that changed the route's target. */
  routeMovesWhileSplit: Record<string, number>;
  maxRouteMovesWhileSplit: number;
  routeMovesAfterHeal: Record<string, number>;
  /** EC2 calls while split, by action (throttled and failed ones included). */
  ec2CallsWhileSplit: Record<string, number>;
  throttledWhileSplit: number;
  /** Timer runs that started while split, per gateway, and how many of all runs failed. */
  reassertRunsWhileSplit: Record<string, number>;
  reassertRunsFailed: number;
}

const MUTATING = new Set(["ReplaceRoute", "CreateRoute"]);

/** The EC2 calls of the stand-in's log (IMDS lines and anything unparsable left out). */
export function parseStandinLog(lines: readonly string[]): StandinCall[] {
  const calls: StandinCall[] = [];
  for (const line of lines) {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof entry !== "object" || entry === null || "imds" in entry) continue;
    const e = entry as StandinCall;
    if (typeof e.t === "number" && typeof e.action === "string") calls.push(e);
  }
  return calls;
}

export function parseTimerRuns(lines: readonly string[]): TimerRun[] {
  return lines
    .map((l) => l.trim().split(/\s+/))
    .filter((w) => w.length === 4 && w.every((x) => x !== ""))
    .map(([start, end, gateway, rc]) => ({
      start: Number(start),
      end: Number(end),
      gateway,
      rc: Number(rc),
    }))
    .filter((r) => Number.isFinite(r.start) && Number.isFinite(r.rc));
}

function moves(
  calls: readonly StandinCall[],
  routes: readonly string[],
  from: number,
  to: number,
): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(routes.map((r) => [r, 0]));
  for (const c of calls) {
    if (c.t < from || c.t > to || !MUTATING.has(c.action) || c.status !== 200 || !c.moved) continue;
    const route = `${c.table} ${c.cidr}`;
    counts[route] = (counts[route] ?? 0) + 1;
  }
  return counts;
}

/** routes: every managed route as "table cidr", counted 0 when it never moved. */
export function countSplitBrain(
  calls: readonly StandinCall[],
  runs: readonly TimerRun[],
  window: SplitWindow,
  routes: readonly string[],
  gateways: readonly string[],
): SplitBrainCounts {
  const split = calls.filter((c) => c.t >= window.splitAt && c.t <= window.healAt);
  const whileSplit = moves(calls, routes, window.splitAt, window.healAt);
  const ec2CallsWhileSplit: Record<string, number> = {};
  for (const c of split) ec2CallsWhileSplit[c.action] = (ec2CallsWhileSplit[c.action] ?? 0) + 1;
  return {
    routeMovesWhileSplit: whileSplit,
    maxRouteMovesWhileSplit: Math.max(0, ...Object.values(whileSplit)),
    routeMovesAfterHeal: moves(calls, routes, window.healAt, window.endAt),
    ec2CallsWhileSplit,
    throttledWhileSplit: split.filter((c) => c.code === "RequestLimitExceeded").length,
    reassertRunsWhileSplit: Object.fromEntries(
      gateways.map((g) => [
        g,
        runs.filter((r) => r.gateway === g && r.start >= window.splitAt && r.start <= window.healAt)
          .length,
      ]),
    ),
    reassertRunsFailed: runs.filter((r) => r.rc !== 0).length,
  };
}
