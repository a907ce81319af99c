/**
 * Turns one direction of a probe run into loss and outage figures. The sender pings every
 * `intervalMs`; the receiver's tcpdump logs each echo request that arrives, so a lost probe is a
 * sequence number that never arrived, whatever happened to the reply.
 */

export interface ProbeArrival {
  /** Arrival time, seconds since the epoch (tcpdump -tt). */
  time: number;
  seq: number;
}

export interface ProbeFigures {
  sent: number;
  received: number;
  lostProbes: number;
  /** Time without arrivals beyond the normal spacing, summed over every gap, in ms. */
  outageMs: number;
  /** The gaps, as runs of missing sequence numbers. */
  gaps: { firstSeq: number; lastSeq: number; ms: number }[];
  /** False when the last probes never arrived: the outage had not ended when probing stopped. */
  recovered: boolean;
}

const ECHO_REQUEST = /^(\d+\.\d+) IP .*ICMP echo request, id \d+, seq (\d+),/;

/** Reads `tcpdump -tt -n` lines; other lines (tcpdump's own chatter) are skipped. */
export function parseArrivals(lines: readonly string[]): ProbeArrival[] {
  const bySeq = new Map<number, number>();
  for (const line of lines) {
    const m = ECHO_REQUEST.exec(line.trim());
    if (!m) continue;
    const seq = Number(m[2]);
    if (!bySeq.has(seq)) bySeq.set(seq, Number(m[1]));
  }
  return [...bySeq.entries()].map(([seq, time]) => ({ seq, time })).sort((a, b) => a.seq - b.seq);
}

/** ping numbers its probes 1..sent. */
export function analyseProbes(
  sent: number,
  arrivals: readonly ProbeArrival[],
  intervalMs: number,
): ProbeFigures {
  const inRange = arrivals.filter((a) => a.seq >= 1 && a.seq <= sent);
  const gaps: ProbeFigures["gaps"] = [];
  if (inRange.length === 0) {
    if (sent > 0) gaps.push({ firstSeq: 1, lastSeq: sent, ms: sent * intervalMs });
  } else {
    const first = inRange[0];
    const last = inRange[inRange.length - 1];
    if (first.seq > 1)
      gaps.push({ firstSeq: 1, lastSeq: first.seq - 1, ms: (first.seq - 1) * intervalMs });
    for (let i = 1; i < inRange.length; i++) {
      const before = inRange[i - 1];
      const after = inRange[i];
      if (after.seq - before.seq > 1) {
        const ms = Math.max(0, Math.round((after.time - before.time) * 1000 - intervalMs));
        gaps.push({ firstSeq: before.seq + 1, lastSeq: after.seq - 1, ms });
      }
    }
    if (last.seq < sent)
      gaps.push({ firstSeq: last.seq + 1, lastSeq: sent, ms: (sent - last.seq) * intervalMs });
  }
  return {
    sent,
    received: inRange.length,
    lostProbes: sent - inRange.length,
    outageMs: gaps.reduce((sum, g) => sum + g.ms, 0),
    gaps,
    recovered: inRange.length > 0 && inRange[inRange.length - 1].seq === sent,
  };
}
