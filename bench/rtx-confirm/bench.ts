/**
 * What the RTX client's way back costs per apply (docs/rtx.md, "Changes that take themselves
 * back"), against the project's fake router on loopback (test/rtx/fake-rtx.ts): round trips and
 * seconds, by phase, medians over --runs fresh applies (and the no-op re-apply after each).
 *
 *   node -r ts-node/register/transpile-only bench/rtx-confirm/bench.ts [--runs N] [--json FILE]
 *
 * "protected": firmware with both ways back (RTX1210 Rev.14.01.42): the user check, the schedule
 * and timer armed, the read over a new connection, the schedule cancelled, the saved text checked.
 * "opted out": firmware with neither (RTX1210 Rev.14.01.20) and --no-revert: the same run without
 * arming and cancelling. The figures are the fake's: loopback, no latency, a settle time of 10 ms
 * per exchange (a real RTX answers in tens of milliseconds, and its SSH login takes about a second).
 */
import * as fs from "fs";
import { Summary } from "../../src/rtx/client";
import { startFake, USER_CONFIG } from "../../test/rtx/helpers";

/** The phases the way back adds or changes. */
const PROTECTION_PHASES = ["users", "arm", "confirm", "save", "unsaved"];

interface Sample {
  fresh: Summary;
  again: Summary;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function sample(firmware: string, noRevert: boolean): Promise<Sample> {
  const h = await startFake({ config: USER_CONFIG, firmware });
  try {
    const fresh = await h.run("apply", { noRevert });
    const again = await h.run("apply", { noRevert });
    return { fresh, again };
  } finally {
    await h.rtx.stop();
  }
}

function figures(summaries: Summary[]): Record<string, { trips: number; ms: number }> {
  const phases = new Set(
    summaries.flatMap((s) => [
      ...Object.keys(s.roundTripsByPhase),
      ...Object.keys(s.durationByPhaseMs),
    ]),
  );
  const out: Record<string, { trips: number; ms: number }> = {};
  for (const phase of [...phases].sort()) {
    out[phase] = {
      trips: median(summaries.map((s) => s.roundTripsByPhase[phase] ?? 0)),
      ms: median(summaries.map((s) => s.durationByPhaseMs[phase] ?? 0)),
    };
  }
  out.total = {
    trips: median(summaries.map((s) => s.roundTrips)),
    ms: median(summaries.map((s) => s.durationMs)),
  };
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runs = Number(argv[argv.indexOf("--runs") + 1] || 5) || 5;
  const json = argv.includes("--json") ? argv[argv.indexOf("--json") + 1] : undefined;
  const result: Record<string, Record<string, Record<string, { trips: number; ms: number }>>> = {};
  for (const [label, firmware, noRevert] of [
    ["protected", "RTX1210 Rev.14.01.42", false],
    ["opted out", "RTX1210 Rev.14.01.20", true],
  ] as const) {
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) samples.push(await sample(firmware, noRevert));
    result[label] = {
      fresh: figures(samples.map((s) => s.fresh)),
      again: figures(samples.map((s) => s.again)),
    };
  }
  const rows: string[] = [];
  for (const [label, runsOf] of Object.entries(result)) {
    for (const [kind, phases] of Object.entries(runsOf)) {
      const shown = Object.entries(phases).filter(
        ([p]) => PROTECTION_PHASES.includes(p) || p === "total" || p === "second-connection",
      );
      for (const [phase, f] of shown)
        rows.push(
          `${label.padEnd(10)} ${kind.padEnd(6)} ${phase.padEnd(18)} ${String(f.trips).padStart(5)} ${(f.ms / 1000).toFixed(3).padStart(8)}`,
        );
    }
  }
  process.stdout.write(
    `median of ${runs} runs against the fake router (loopback)\n` +
      `${"run".padEnd(10)} ${"apply".padEnd(6)} ${"phase".padEnd(18)} ${"trips".padStart(5)} ${"seconds".padStart(8)}\n` +
      `${rows.join("\n")}\n`,
  );
  if (json) fs.writeFileSync(json, `${JSON.stringify({ runs, result }, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
