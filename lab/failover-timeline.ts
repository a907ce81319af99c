/**
 * Where a failover's VPC-to-site outage goes (docs/lab.md, "Where the failover time goes"), read
 * from the logs the guest keeps: keepalived's console (each line stamped with the epoch in
 * microseconds as it was written), the prober's status file copied after the scenario (its
 * transitions carry the microsecond the track file was written) or, failing that, its journal
 * lines (/proc/uptime, 10 ms), the EC2 stand-in's call log (when each request was read and
 * answered) and the probes' arrivals. Every step is in ms after the last probe that crossed before
 * the outage, so the steps add up to the outage the report counts. Pure functions.
 */

import { ProbeArrival } from "./probes";
import { StandinCall } from "./split-brain";

export type VrrpEntered = "MASTER" | "BACKUP" | "FAULT";

export interface KeepalivedEvent {
  /** Epoch seconds (microseconds) the line was written. */
  at: number;
  state: VrrpEntered;
}

/** "1795860664.123456 ... (vig_osaka) Entering MASTER STATE" lines of the lab's keepalived.log. */
export function parseKeepalivedLog(lines: readonly string[]): KeepalivedEvent[] {
  const events: KeepalivedEvent[] = [];
  for (const line of lines) {
    const m = /^(\d+\.\d+) .*Entering (MASTER|BACKUP|FAULT) STATE/.exec(line);
    if (m) events.push({ at: Number(m[1]), state: m[2] as VrrpEntered });
  }
  return events;
}

/**
 * When the prober judged the tunnel down: the "to": "down" transitions of its status file
 * (microseconds), else its journal lines "UPTIME tag[prio]: prober: tun0 to X down: ..." turned
 * into the epoch with the guest's epoch/uptime pair.
 */
export function parseProberDowns(
  statusJson: string | undefined,
  journal: readonly string[],
  epochAtUptime: { epoch: number; uptime: number } | undefined,
): number[] {
  if (statusJson) {
    try {
      const status = JSON.parse(statusJson) as { transitions?: { at: number; to: string }[] };
      const downs = (status.transitions ?? []).filter((t) => t.to === "down").map((t) => t.at);
      if (downs.length > 0) return downs;
    } catch {
      // a torn file: the journal below still says when
    }
  }
  if (!epochAtUptime) return [];
  return journal
    .map((l) => /^(\d+\.\d+) .*prober: \S+ to \S+ down:/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => epochAtUptime.epoch + Number(m[1]) - epochAtUptime.uptime);
}

export interface TimelineInput {
  /** When the lab cut the tunnel or crashed the gateway, and when the scenario ended (epoch s). */
  eventAt: number;
  endAt: number;
  /** VPC-to-site probe arrivals during the scenario. */
  arrivals: readonly ProbeArrival[];
  primaryKeepalived: readonly KeepalivedEvent[];
  standbyKeepalived: readonly KeepalivedEvent[];
  /** The primary prober's "down" judgements (epoch s); empty for a crash. */
  proberDowns: readonly number[];
  calls: readonly StandinCall[];
  standby: string;
  /** Every managed route as "table cidr". */
  routes: readonly string[];
}

/** ms after the last probe that crossed before the outage; absent when the log had no such step. */
export interface FailoverTimeline {
  /** The last probe across before the outage (epoch s). */
  lastCrossingAt: number;
  /** The cut or crash (negative: before the last probe crossed; a crash's links go down last). */
  eventMs: number;
  /** The primary's prober wrote "down" to the track file (tunnel failure only). */
  proberDownMs?: number;
  /** The primary's keepalived entered FAULT (tunnel failure only). */
  faultMs?: number;
  /** The standby's keepalived entered MASTER: notify-master starts. */
  peerMasterMs?: number;
  /** The EC2 stand-in read the standby's first ReplaceRoute/CreateRoute. */
  firstRequestReadMs?: number;
  /** ...and answered it: the route is in vpc-router's table. */
  firstAnsweredMs?: number;
  /** The last route move of the failover answered. */
  lastAnsweredMs?: number;
  /** The first probe across again. */
  outageEndMs?: number;
}

export interface FailoverSteps {
  timeline?: FailoverTimeline;
  /** Detection after the cut: the prober's track-file write (tunnel) or none (crash). */
  detectionMs?: number;
  /** The standby MASTER after detection: after the primary's FAULT (tunnel) or the crash. */
  takeoverMs?: number;
  /** Successful route-target changes per route between the event and the scenario's end. */
  routeMoves: Record<string, number>;
}

const MUTATING = new Set(["ReplaceRoute", "CreateRoute"]);

/** The widest gap in the arrivals after `from`: [last before it, first after it]. */
export function outageGap(
  arrivals: readonly ProbeArrival[],
  from: number,
): { before: ProbeArrival; after: ProbeArrival } | undefined {
  let best: { before: ProbeArrival; after: ProbeArrival } | undefined;
  for (let i = 1; i < arrivals.length; i++) {
    const [before, after] = [arrivals[i - 1], arrivals[i]];
    if (after.time < from || after.seq - before.seq < 2) continue;
    if (!best || after.time - before.time > best.after.time - best.before.time)
      best = { before, after };
  }
  return best;
}

function firstAfter<T>(items: readonly T[], at: (x: T) => number, from: number): T | undefined {
  return items.filter((x) => at(x) >= from).sort((a, b) => at(a) - at(b))[0];
}

const ms = (seconds: number) => Math.round(seconds * 1000);

export function failoverSteps(input: TimelineInput): FailoverSteps {
  const inWindow = (t: number) => t >= input.eventAt && t <= input.endAt;
  const moves = input.calls.filter(
    (c) =>
      MUTATING.has(c.action) &&
      c.status === 200 &&
      c.moved &&
      c.caller === input.standby &&
      inWindow(c.t),
  );
  const routeMoves: Record<string, number> = Object.fromEntries(input.routes.map((r) => [r, 0]));
  for (const c of moves)
    routeMoves[`${c.table} ${c.cidr}`] = (routeMoves[`${c.table} ${c.cidr}`] ?? 0) + 1;
  // a crash stops the adverts before the links go down: the standby may take over before the cut
  // shows in the probes, so its MASTER is looked for from a little before the event
  const lookFrom = input.eventAt - 1;
  const down = firstAfter(input.proberDowns, (t) => t, input.eventAt);
  const fault = firstAfter(
    input.primaryKeepalived.filter((e) => e.state === "FAULT"),
    (e) => e.at,
    input.eventAt,
  );
  const master = firstAfter(
    input.standbyKeepalived.filter((e) => e.state === "MASTER"),
    (e) => e.at,
    lookFrom,
  );
  const requests = input.calls.filter(
    (c) => MUTATING.has(c.action) && c.caller === input.standby && inWindow(c.t),
  );
  const first = firstAfter(requests, (c) => c.received ?? c.t, input.eventAt);
  const lastMove = moves.length ? Math.max(...moves.map((c) => c.t)) : undefined;
  const detectionMs = down !== undefined ? ms(down - input.eventAt) : undefined;
  const takeoverFrom = down !== undefined ? (fault?.at ?? down) : input.eventAt;
  const takeoverMs = master ? ms(master.at - takeoverFrom) : undefined;
  const gap = outageGap(input.arrivals, input.eventAt);
  if (!gap) return { detectionMs, takeoverMs, routeMoves };
  const zero = gap.before.time;
  const rel = (t: number | undefined) => (t === undefined ? undefined : ms(t - zero));
  const timeline: FailoverTimeline = {
    lastCrossingAt: zero,
    eventMs: ms(input.eventAt - zero),
    proberDownMs: rel(down),
    faultMs: rel(fault?.at),
    peerMasterMs: rel(master?.at),
    firstRequestReadMs: rel(first ? (first.received ?? first.t) : undefined),
    firstAnsweredMs: rel(first?.t),
    lastAnsweredMs: rel(lastMove),
    outageEndMs: rel(gap.after.time),
  };
  for (const k of Object.keys(timeline) as (keyof FailoverTimeline)[])
    if (timeline[k] === undefined) delete timeline[k];
  return { timeline, detectionMs, takeoverMs, routeMoves };
}
