import assert from "node:assert/strict";
import { analyseProbes, parseArrivals, ProbeArrival } from "../../lab/probes";

/** Arrivals every 100 ms from t0, for the given sequence numbers. */
function arrivals(seqs: number[], t0 = 1000): ProbeArrival[] {
  return seqs.map((seq) => ({ seq, time: t0 + (seq - 1) * 0.1 }));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe("lab: probe arrivals to loss and outage", () => {
  it("parses tcpdump -tt echo requests and skips everything else", () => {
    const lines = [
      "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode",
      "1795746032.603437 IP 10.0.255.10 > 192.168.10.10: ICMP echo request, id 708, seq 7, length 64",
      "1795746032.503437 IP 10.0.255.10 > 192.168.10.10: ICMP echo request, id 708, seq 6, length 64",
      "1795746032.703437 IP 10.0.255.10 > 192.168.10.10: ICMP echo request, id 708, seq 7, length 64",
      "2 packets captured",
    ];
    assert.deepEqual(parseArrivals(lines), [
      { seq: 6, time: 1795746032.503437 },
      { seq: 7, time: 1795746032.603437 },
    ]);
  });

  it("reports no loss and no outage when every probe arrives", () => {
    const f = analyseProbes(50, arrivals(range(1, 50)), 100);
    assert.deepEqual([f.lostProbes, f.outageMs, f.recovered, f.gaps.length], [0, 0, true, 0]);
  });

  it("measures a gap as the silence beyond the normal spacing", () => {
    const f = analyseProbes(50, arrivals([...range(1, 20), ...range(28, 50)]), 100);
    assert.equal(f.lostProbes, 7);
    assert.equal(f.outageMs, 700);
    assert.deepEqual(f.gaps, [{ firstSeq: 21, lastSeq: 27, ms: 700 }]);
  });

  it("uses arrival times, not probe counts, when the receiver saw a longer silence", () => {
    const seen = [...arrivals(range(1, 10)), ...arrivals(range(12, 20), 1001.3)];
    const f = analyseProbes(20, seen, 100);
    assert.equal(f.lostProbes, 1);
    assert.equal(f.outageMs, 1500 - 100);
  });

  it("adds every gap, and marks a run whose last probes never arrived as not recovered", () => {
    const f = analyseProbes(40, arrivals([...range(1, 10), ...range(13, 30)]), 100);
    assert.equal(f.lostProbes, 12);
    assert.equal(f.outageMs, 200 + 1000);
    assert.equal(f.recovered, false);
  });

  it("counts a total blackout as all probes lost", () => {
    const f = analyseProbes(30, [], 100);
    assert.deepEqual([f.received, f.lostProbes, f.outageMs, f.recovered], [0, 30, 3000, false]);
  });

  it("ignores arrivals outside what was sent", () => {
    const f = analyseProbes(5, arrivals([1, 2, 3, 4, 5, 6, 7]), 100);
    assert.deepEqual([f.received, f.lostProbes], [5, 0]);
  });
});
