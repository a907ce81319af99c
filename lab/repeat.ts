/** Several lab runs in one report: medians of the failover figures, and every run's figures. */

import { LabReport, OutageFigures, RepeatSummary } from "./report";

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

function outages(r: LabReport): Record<string, OutageFigures> {
  return Object.fromEntries(
    Object.entries(r.failover).map(([name, f]) => [
      name,
      { vpcToSiteMs: f.vpcToSite.outageMs, siteToVpcMs: f.siteToVpc.outageMs },
    ]),
  );
}

export function summarizeRuns(reports: readonly LabReport[]): RepeatSummary {
  const perRun = reports.map(outages);
  const names = Object.keys(perRun[0] ?? {});
  const medians = Object.fromEntries(
    names.map((n) => [
      n,
      {
        vpcToSiteMs: median(perRun.map((r) => r[n].vpcToSiteMs)),
        siteToVpcMs: median(perRun.map((r) => r[n].siteToVpcMs)),
      },
    ]),
  );
  const splitMoves = reports.map((r) => r.splitBrain.maxRouteMovesWhileSplit);
  return {
    runs: reports.length,
    medians,
    perRun,
    passedRuns: reports.filter((r) => r.checks.every((c) => c.pass)).length,
    splitBrain: {
      maxRouteMovesWhileSplit: splitMoves,
      medianMaxRouteMovesWhileSplit: median(splitMoves),
    },
  };
}
