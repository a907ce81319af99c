import assert from "node:assert/strict";
import { median, summarizeRuns } from "../../lab/repeat";
import { LabReport } from "../../lab/report";
import { failoverPhases, outageSpans, timelineSvg } from "../../lab/timeline-svg";

const arrivals = (seqs: number[], t0 = 1000) => seqs.map((seq) => ({ seq, time: t0 + seq * 0.1 }));
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe("lab: failover timeline SVG and repeated runs", () => {
  it("shades each run of missing probes between the arrivals around it, and an unended tail", () => {
    const row = { label: "x", sent: 40, arrivals: arrivals([...range(1, 10), ...range(17, 30)]) };
    const spans = outageSpans(row);
    assert.equal(spans.length, 2);
    assert.deepEqual(
      spans.map(([a, b]) => Math.round((b - a) * 1000)),
      [700, 1000],
    );
  });

  it("draws a tick per arrival, the event line and the outage with its length", () => {
    const svg = timelineSvg({
      title: "Tunnel <cut>",
      subtitle: "lab",
      eventAt: 1001.05,
      eventLabel: "tunnel cut",
      rows: [
        { label: "VPC → site", sent: 30, arrivals: arrivals([...range(1, 10), ...range(17, 30)]) },
        { label: "site → VPC", sent: 30, arrivals: arrivals(range(1, 30)) },
      ],
    });
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal((svg.match(/stroke="#1e88e5"/g) ?? []).length, 24 + 30);
    assert.equal((svg.match(/<rect [^>]*fill="#e53935"/g) ?? []).length, 1);
    assert.match(svg, />outage 600 ms</);
    assert.match(svg, /stroke-dasharray="5,4"/);
    assert.match(svg, /Tunnel &lt;cut&gt;/, "text is escaped");
  });

  it("marks the phases of a failover on the outage bar: detection, takeover, first request, route moved", () => {
    const timeline = {
      lastCrossingAt: 1001,
      eventMs: -149,
      proberDownMs: 462,
      faultMs: 489,
      peerMasterMs: 625,
      firstRequestReadMs: 724,
      firstAnsweredMs: 810,
      lastAnsweredMs: 879,
      outageEndMs: 858,
    };
    const phases = failoverPhases(timeline);
    assert.deepEqual(
      phases.map((p) => [p.label, Math.round((p.to - p.from) * 1000)]),
      [
        ["detection", 462],
        ["takeover", 163],
        ["first request", 99],
        ["route moved", 155],
      ],
    );
    const crash = failoverPhases({
      ...timeline,
      proberDownMs: undefined,
      eventMs: -1031,
      peerMasterMs: -146,
    });
    assert.equal(crash[0].label, "detection + takeover");
    const svg = timelineSvg({
      title: "t",
      subtitle: "s",
      eventAt: 1000.85,
      eventLabel: "tunnel cut",
      phases,
      rows: [
        { label: "VPC → site", sent: 30, arrivals: arrivals([...range(1, 10), ...range(19, 30)]) },
      ],
    });
    assert.equal((svg.match(/class="phase"/g) ?? []).length, 4);
    assert.match(svg, />first request 99 ms</);
    assert.match(svg, />route moved 155 ms</);
  });

  it("reports medians of every run's outages", () => {
    assert.equal(median([900, 500, 700]), 700);
    assert.equal(median([500, 700, 900, 1000]), 800);
    const run = (crash: number, cut: number, pass = true, moves = 1) =>
      ({
        splitBrain: { maxRouteMovesWhileSplit: moves },
        failover: {
          gatewayCrash: { vpcToSite: { outageMs: crash }, siteToVpc: { outageMs: 3000 } },
          tunnelFailure: { vpcToSite: { outageMs: cut }, siteToVpc: { outageMs: 3400 } },
        },
        checks: [{ pass }],
      }) as unknown as LabReport;
    const s = summarizeRuns([run(700, 900), run(650, 800, false, 3), run(760, 990)]);
    assert.deepEqual(s.medians.gatewayCrash, { vpcToSiteMs: 700, siteToVpcMs: 3000 });
    assert.deepEqual(s.medians.tunnelFailure, { vpcToSiteMs: 900, siteToVpcMs: 3400 });
    assert.equal(s.runs, 3);
    assert.equal(s.passedRuns, 2);
    assert.deepEqual(s.splitBrain, {
      maxRouteMovesWhileSplit: [1, 3, 1],
      medianMaxRouteMovesWhileSplit: 1,
    });
  });
});
