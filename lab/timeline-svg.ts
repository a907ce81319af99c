/**
 * A failover timeline as SVG: probe arrivals in each direction against time, the event (failure or
 * recovery) as a dashed line, and every outage (a run of probes that never arrived) shaded. Built
 * from the probe captures the lab already has (tcpdump -tt arrival times).
 */

import { FailoverTimeline } from "./failover-timeline";
import { PROBE_INTERVAL_MS } from "./report";
import { ProbeArrival } from "./probes";

export interface TimelineRow {
  label: string;
  sent: number;
  arrivals: readonly ProbeArrival[];
}

export interface TimelineInput {
  title: string;
  subtitle: string;
  /** Seconds since the epoch; the time axis is relative to it. */
  eventAt?: number;
  eventLabel: string;
  rows: readonly TimelineRow[];
  /** Where the first row's outage went (epoch s), drawn as a band under it. */
  phases?: readonly Phase[];
}

export interface Phase {
  label: string;
  from: number;
  to: number;
}

const PHASE_COLOURS = ["#8e24aa", "#fb8c00", "#43a047", "#1e88e5"];

/**
 * The failover's phases from its timeline (ms after the last probe across): detection (to the
 * prober's down, or for a crash to the standby's MASTER, VRRP's adverts missed), takeover (the
 * primary's FAULT or the prober's down to the standby's MASTER), first request (MASTER to the
 * stand-in reading the first route request), route moved (to the last route answered).
 */
export function failoverPhases(t: FailoverTimeline): Phase[] {
  const at = (ms: number) => t.lastCrossingAt + ms / 1000;
  const start = Math.max(0, t.eventMs);
  const phases: Phase[] = [];
  const add = (label: string, from?: number, to?: number) => {
    if (from !== undefined && to !== undefined && to >= from)
      phases.push({ label, from: at(from), to: at(to) });
  };
  if (t.proberDownMs !== undefined) {
    add("detection", start, t.proberDownMs);
    add("takeover", t.proberDownMs, t.peerMasterMs);
  } else {
    add("detection + takeover", Math.min(start, t.peerMasterMs ?? start), t.peerMasterMs);
  }
  add("first request", t.peerMasterMs, t.firstRequestReadMs);
  add("route moved", t.firstRequestReadMs, t.lastAnsweredMs ?? t.firstAnsweredMs);
  return phases;
}

const WIDTH = 960;
const LEFT = 110;
const RIGHT = 30;
const ROW_HEIGHT = 90;
const TOP = 84;

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Runs of missing sequence numbers, as [from, to] times (the arrivals around them). */
export function outageSpans(
  row: TimelineRow,
  intervalS = PROBE_INTERVAL_MS / 1000,
): [number, number][] {
  const sorted = [...row.arrivals].filter((a) => a.seq >= 1 && a.seq <= row.sent);
  sorted.sort((a, b) => a.seq - b.seq);
  const spans: [number, number][] = [];
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].seq - sorted[i - 1].seq > 1) spans.push([sorted[i - 1].time, sorted[i].time]);
  }
  const last = sorted.at(-1);
  if (last && last.seq < row.sent) {
    spans.push([last.time, last.time + (row.sent - last.seq) * intervalS]);
  }
  return spans;
}

/** The phases as coloured segments on one band, each with its label and length under it. */
function phaseBand(phases: readonly Phase[], x: (t: number) => number, y: number): string[] {
  return phases.flatMap((p, i) => {
    const [from, to] = [x(p.from), x(p.to)];
    const ms = Math.round((p.to - p.from) * 1000);
    const colour = PHASE_COLOURS[i % PHASE_COLOURS.length];
    return [
      `<rect class="phase" x="${from.toFixed(1)}" y="${y}" width="${Math.max(1, to - from).toFixed(1)}" height="6" fill="${colour}"/>`,
      `<text x="${from.toFixed(1)}" y="${y + 18 + (i % 2) * 12}" fill="${colour}" font-size="10">${esc(p.label)} ${ms} ms</text>`,
    ];
  });
}

export function timelineSvg(input: TimelineInput): string {
  const times = input.rows.flatMap((r) => r.arrivals.map((a) => a.time));
  if (input.eventAt !== undefined) times.push(input.eventAt);
  const origin = input.eventAt ?? Math.min(...times);
  const start = Math.floor(Math.min(...times) - origin - 0.5);
  const end = Math.ceil(Math.max(...times) - origin + 0.5);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (t: number) => LEFT + ((t - origin - start) / (end - start)) * plotWidth;
  const height = TOP + input.rows.length * ROW_HEIGHT + 50;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${LEFT}" y="24" font-size="16" font-weight="bold">${esc(input.title)}</text>`,
    `<text x="${LEFT}" y="44" fill="#444">${esc(input.subtitle)}</text>`,
  ];
  const axisY = TOP + input.rows.length * ROW_HEIGHT + 10;
  for (let s = start; s <= end; s++) {
    const px = x(origin + s).toFixed(1);
    parts.push(
      `<line x1="${px}" y1="${TOP - 10}" x2="${px}" y2="${axisY}" stroke="#e4e4e4"/>`,
      `<text x="${px}" y="${axisY + 16}" text-anchor="middle" fill="#444">${s} s</text>`,
    );
  }
  input.rows.forEach((row, i) => {
    const y = TOP + i * ROW_HEIGHT + ROW_HEIGHT / 2;
    parts.push(`<text x="${LEFT - 10}" y="${y + 4}" text-anchor="end">${esc(row.label)}</text>`);
    for (const [from, to] of outageSpans(row)) {
      const ms = Math.max(0, Math.round((to - from) * 1000 - PROBE_INTERVAL_MS));
      parts.push(
        `<rect x="${x(from).toFixed(1)}" y="${y - 22}" width="${(x(to) - x(from)).toFixed(1)}" height="44" fill="#e53935" fill-opacity="0.25"/>`,
        `<text x="${((x(from) + x(to)) / 2).toFixed(1)}" y="${y - 26}" text-anchor="middle" fill="#b71c1c">outage ${ms} ms</text>`,
      );
    }
    for (const a of row.arrivals) {
      const px = x(a.time).toFixed(1);
      parts.push(`<line x1="${px}" y1="${y - 14}" x2="${px}" y2="${y + 14}" stroke="#1e88e5"/>`);
    }
    if (i === 0) parts.push(...phaseBand(input.phases ?? [], x, y + 17));
  });
  if (input.eventAt !== undefined) {
    const px = x(input.eventAt).toFixed(1);
    parts.push(
      `<line x1="${px}" y1="${TOP - 14}" x2="${px}" y2="${axisY}" stroke="#000" stroke-dasharray="5,4"/>`,
      `<text x="${px}" y="${TOP - 18}" text-anchor="middle">${esc(input.eventLabel)}</text>`,
    );
  }
  parts.push(
    `<text x="${LEFT}" y="${height - 8}" fill="#444">each tick: one probe (every ${PROBE_INTERVAL_MS} ms) arriving; shaded: probes that never arrived; time relative to the ${esc(input.eventLabel)}</text>`,
    "</svg>",
  );
  return parts.join("\n") + "\n";
}
