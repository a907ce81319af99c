import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PATHS } from "../../src/gateway/paths";
import {
  PROBER,
  proberDetectionWorstMs,
  replyBudgetProbes,
  STATUS_FILE_NAME,
  TRACK_FILE_NAME,
} from "../../src/gateway/prober";
import { renderGateway } from "../../src/gateway/render";
import { exampleConfig } from "../support/stacks";
import { REPO_ROOT } from "../support/stacks";

const gw = renderGateway(exampleConfig("isatap"), 0);
const FAKE_BIN = path.join(REPO_ROOT, "test", "support", "fake-bin");

interface Status {
  state: string;
  intervalMs: number;
  downAfter: number;
  upAfter: number;
  window: {
    probes: number;
    lost: number;
    lossPercent: number;
    rttMs: null | Record<string, number>;
  };
  totals: { replies: number; missed: number; late: number };
  transitions: { at: number; from: string; to: string; reason: string }[];
}

interface Run {
  code: number | null;
  track: string;
  status: Status;
  log: string;
}

/** Runs the rendered prober in bash against the stand-in ping (test/support/fake-bin/ping). */
function runProber(pattern: string, opts: { track?: string; rtts?: string; args?: string[] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prober-"));
  const script = path.join(dir, "prober");
  fs.writeFileSync(script, gw.files[PATHS.proberScript], { mode: 0o755 });
  if (opts.track !== undefined) fs.writeFileSync(path.join(dir, TRACK_FILE_NAME), opts.track);
  const env = {
    ...process.env,
    PATH: `${FAKE_BIN}:${process.env.PATH}`,
    PROBER_STATE_DIR: dir,
    LOGGER_FILE: path.join(dir, "journal"),
    PING_PATTERN: pattern,
    PING_RTTS: opts.rtts ?? "0.512",
  };
  const run = spawnSync("bash", [script, ...(opts.args ?? [])], { env, encoding: "utf8" });
  const read = (f: string) =>
    fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : "";
  const statusText = read(STATUS_FILE_NAME);
  return {
    code: run.status,
    track: read(TRACK_FILE_NAME).trim(),
    status: (statusText ? JSON.parse(statusText) : {}) as Status,
    log: read("journal") + run.stderr,
  } satisfies Run;
}

const up = "R".repeat(PROBER.upAfter);

describe("tunnel prober (rendered script against a stand-in iputils ping)", () => {
  it("renders one long-running ping -O through tun0 to the RTX's LAN address", () => {
    const script = gw.files[PATHS.proberScript];
    assert.match(script, /exec ping -n -O -i "\$INTERVAL_S" -I "\$LINK" "\$TARGET"/);
    assert.match(script, /^LINK=tun0 TARGET=192\.168\.10\.1$/m);
    assert.match(script, /^INTERVAL_S=0\.1 DOWN_AFTER=3 UP_AFTER=5$/m);
    assert.match(script, /^BUDGET=2 # probes a reply may take \(200 ms\)$/m);
  });

  it("detects within 500 ms by default and never on one or two lost probes (the constants' contract)", () => {
    // The tunnel-failure budget is 1000 ms VPC to site; detection may take at most 500 of it with
    // the default 200 ms reply budget, leaving the rest to keepalived's takeover and the route
    // move (docs/gateway-prober.md).
    assert.equal(proberDetectionWorstMs(200), 500);
    assert.equal(proberDetectionWorstMs(100), 400);
    assert.equal(replyBudgetProbes(200), 2);
    assert.ok(PROBER.downAfter >= 3, "one or two lost probes must not trip it");
    assert.ok(PROBER.upAfter > PROBER.downAfter, "coming back needs more evidence than going");
  });

  it("starts down and comes up after upAfter replies in a row", () => {
    const before = runProber("R".repeat(PROBER.upAfter - 1));
    assert.equal(before.track, "1");
    assert.equal(before.status.state, "down");
    const after = runProber(up);
    assert.equal(after.track, "0");
    assert.equal(after.status.state, "up");
    assert.equal(after.status.transitions.at(-1)?.to, "up");
    assert.match(after.log, /prober: tun0 to 192\.168\.10\.1 up/);
  });

  it("stays up through one and two lost probes in a row", () => {
    const run = runProber(`${up}RMRRMMRRMR`);
    assert.equal(run.track, "0");
    assert.equal(run.status.state, "up");
    assert.equal(run.status.transitions.length, 1, "only the initial up");
    assert.equal(run.status.totals.missed, 4);
  });

  it("goes down on downAfter misses in a row, naming why, and back up only after upAfter replies", () => {
    const down = runProber(`${up}RR${"M".repeat(PROBER.downAfter)}RRRR`);
    assert.equal(down.track, "1");
    assert.equal(down.status.state, "down");
    assert.equal(
      down.status.transitions.at(-1)?.reason,
      "3 probes in a row unanswered (last icmp_seq=10)",
    );
    const back = runProber(`${up}RRMMM${up}`);
    assert.equal(back.track, "0");
    assert.deepEqual(
      back.status.transitions.map((t) => t.to),
      ["up", "down", "up"],
    );
  });

  it("counts a reply past its budget as late, not as a good probe that resets the misses", () => {
    // The 6th probe's reply takes 250 ms: missed at 200 ms, its late reply among the next misses.
    const run = runProber(`${up}RMMM`, { rtts: "0.5 0.5 0.5 0.5 0.5 250" });
    assert.equal(run.track, "1", "three misses with a late reply among them still fail");
    assert.equal(run.status.totals.late, 1);
  });

  it("stays up on a healthy path slower than the probe interval, within its reply budget", () => {
    // 150 ms round trips: every probe is still unanswered when the next goes out ("no answer
    // yet"), and every reply comes within the 200 ms budget.
    const run = runProber("R".repeat(40), { rtts: "150 160 140 190" });
    assert.equal(run.track, "0");
    assert.equal(run.status.totals.missed, 0);
    assert.equal(run.status.totals.replies, 40);
    assert.equal(run.status.transitions.length, 1, "only the initial up");
  });

  it("counts replies slower than the budget as misses", () => {
    const rtts = `${"0.5 ".repeat(PROBER.upAfter)}${"260 ".repeat(10)}`.trim();
    const run = runProber(`${up}${"R".repeat(10)}`, { rtts });
    assert.equal(run.track, "1");
    assert.ok(run.status.totals.late >= 3);
  });

  it("counts ICMP errors (From ... Destination Host Unreachable) as misses", () => {
    const run = runProber(`${up}EEE`);
    assert.equal(run.track, "1");
  });

  it("resumes from the track file on restart: a restart while up does not fail over", () => {
    const run = runProber("RR", { track: "0\n" });
    assert.equal(run.track, "0");
    assert.equal(run.status.state, "up");
  });

  it("marks the tunnel down when systemd reports the prober died, not on a clean stop", () => {
    const crash = runProber("", { track: "0\n", args: ["--stopped"] });
    assert.equal(crash.track, "0", "SERVICE_RESULT unset (a manual run) keeps the state");
    process.env.SERVICE_RESULT = "signal";
    try {
      assert.equal(runProber("", { track: "0\n", args: ["--stopped"] }).track, "1");
    } finally {
      delete process.env.SERVICE_RESULT;
    }
  });

  it("exits non-zero when ping ends, so systemd restarts it", () => {
    assert.equal(runProber(`${up}`).code, 1);
  });

  it("keeps window loss and RTT (min/avg/max) in its JSON status file", () => {
    const run = runProber(`${up}RRRM`, { rtts: "1.00 2.00 3.00" });
    const w = run.status.window;
    assert.equal(w.probes, PROBER.upAfter + 4);
    assert.equal(w.lost, 1);
    assert.equal(w.lossPercent, 11.1);
    assert.deepEqual(w.rttMs, { min: 1, avg: 1.875, max: 3 });
    assert.equal(run.status.intervalMs, 100);
  });

  it("keeps only the last `window` probes in the figures", () => {
    const run = runProber(`${"M".repeat(10)}${"R".repeat(PROBER.window)}`);
    assert.equal(run.status.window.probes, PROBER.window);
    assert.equal(run.status.window.lost, 0);
  });
});

describe("keepalived follows the prober's track file", () => {
  it("tracks the prober's file with weight 0 and a missing file read as down", () => {
    const conf = gw.files[PATHS.keepalivedConf];
    assert.match(
      conf,
      new RegExp(
        `track_file vig_tunnel \\{\\n  file "${PATHS.proberStateDir}/${TRACK_FILE_NAME}"\\n  weight 0\\n  init_file 1\\n\\}`,
      ),
    );
    assert.match(conf, /track_file \{\n\s+vig_tunnel\n/);
    assert.doesNotMatch(conf, /vrrp_script|track_script/, "no once-a-second script any more");
  });

  it("runs the prober as a restarting service ordered before keepalived", () => {
    const unit = gw.files[PATHS.proberUnit];
    assert.match(unit, /^Type=simple$/m);
    assert.match(unit, /^Restart=always$/m);
    assert.match(unit, /^Before=keepalived\.service$/m);
    assert.match(
      unit,
      /^ExecStopPost=\/usr\/local\/libexec\/vpc-ipip6-gateway\/prober --stopped$/m,
    );
    assert.match(gw.files[PATHS.keepalivedDropIn], /^After=.*vpc-ipip6-gateway-prober\.service/m);
  });
});
