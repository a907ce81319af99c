/**
 * Changes that take themselves back, against the fake router (test/rtx/fake-revert.ts): the
 * revert armed before the first line, confirmation from a new connection, nobody else's work,
 * partial applies. In every test no saved configuration holds our schedule, and after success
 * none is pending.
 */
import assert from "assert";
import { Summary } from "../../src/rtx/client";
import { cliTarget, EXAMPLE, Harness, rejection, runCli, startFake, USER_CONFIG } from "./helpers";
import { FakeRtxOptions } from "./fake-rtx";

/** 300 router seconds in 6 s: longer than a run on a busy machine, short enough to wait for. */
const SCALE = 0.02;
const FAST = { revertPollMs: 50 };
const SCHEDULE = "schedule at 99 +300 * load config 0 difference silent no-key-generate";
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A configuration text without the console settings. */
const settings = (text: string) =>
  text
    .split("\n")
    .filter((l) => !l.startsWith("console "))
    .join("\n");

describe("rtx client: changes that take themselves back", function () {
  this.timeout(120000);
  let h: Harness;
  afterEach(async () => {
    if (!h) return;
    assertNoSavedSchedule(h);
    await h.rtx.stop();
  });

  async function fake(options: FakeRtxOptions = {}): Promise<Harness> {
    h = await startFake({ config: USER_CONFIG, timeScale: SCALE, ...options });
    return h;
  }

  function assertNoSavedSchedule(harness: Harness): void {
    for (const text of [...harness.rtx.savedTexts, harness.rtx.saved.lines().join("\n")])
      assert.ok(
        !/^schedule at 99 \+/m.test(text),
        `a saved configuration holds our schedule:\n${text}`,
      );
  }

  function assertSuccess(summary: Summary): void {
    assert.strictEqual(summary.saved, true);
    assert.deepStrictEqual(h.rtx.pendingSchedules, []);
    assert.ok(!h.rtx.running.lines().some((l) => l.startsWith("schedule at")));
  }

  /** The router as it was before the run (console settings included). */
  function original(): string {
    return h.rtx.savedFiles.get("0")?.lines().join("\n") ?? "";
  }

  it("arms schedule and timer before the first line, confirms from a new connection, then saves", async () => {
    await fake();
    const summary = await h.run("apply", FAST);
    assertSuccess(summary);
    assert.deepStrictEqual(summary.revert, {
      protections: ["schedule", "rollback-timer"],
      windowSeconds: 300,
      firmware: "RTX1210 Rev.14.01.42",
      scheduleId: "99",
      confirmedFrom: "second-connection",
    });
    const typed = h.rtx.received;
    const first = typed.indexOf(SCHEDULE);
    assert.ok(first > 0, "the schedule was armed");
    assert.strictEqual(typed[first + 1], "rollback timer 300");
    const firstChange = typed.findIndex((l) => l === EXAMPLE[0] || /^tunnel select 1$/.test(l));
    assert.ok(first < firstChange, "armed before the first configuration line");
    const cancel = typed.indexOf("no schedule at 99");
    assert.ok(cancel > firstChange && cancel < typed.lastIndexOf("save"));
    assert.strictEqual(h.rtx.connections, 2, "the change was read over a second connection");
    assert.ok(summary.roundTripsByPhase["second-connection"] > 0);
    assert.ok(h.rtx.saved.has("tunnel encapsulation ipip", { kind: "tunnel", id: "1" }));
  });

  it("remove is protected the same way", async () => {
    await fake();
    await h.run("apply", FAST);
    const typedBefore = h.rtx.received.length;
    const removed = await h.run("remove", FAST);
    assertSuccess(removed);
    assert.deepStrictEqual(removed.revert?.protections, ["schedule", "rollback-timer"]);
    const typed = h.rtx.received.slice(typedBefore);
    assert.ok(
      typed.indexOf(SCHEDULE) < typed.findIndex((l) => /^no /.test(l) && !/schedule/.test(l)),
    );
  });

  it("a lock-out: no new connection, so no confirm; the router reverts by itself and the run says when", async () => {
    await fake({ lockOutOnWanChange: "lan2" });
    const before = original();
    const error = await rejection(h.run("apply", FAST));
    assert.strictEqual(error.name, "RtxError");
    assert.match(error.message, /cannot open a new connection/);
    assert.match(error.message, /management path/);
    assert.match(
      error.message,
      /reverts by itself at \d{4}-\d\d-\d\dT[\d:.]+Z \(in \d+ s\) \(schedule and rollback-timer\)/,
    );
    assert.match(error.message, /the first session saw the change taken back; nothing was saved/);
    assert.strictEqual(h.rtx.saves, 0);
    assert.ok(!h.rtx.received.includes("confirm"));
    assert.strictEqual(h.rtx.running.lines().join("\n"), before);
    assert.ok(h.rtx.lockedOut >= 1);
    assert.ok(
      !error.message.includes(h.rtx.adminPassword) && !error.message.includes(h.rtx.password),
    );
  });

  it("a cut after the k-th line, for every k: the router reverts by itself, the next apply converges", async function () {
    this.timeout(600000);
    // The WAN list and one tunnel: every kind of line, at 3-4 s a run on a busy machine.
    const run = () => h.run("apply", { ...FAST, commands: EXAMPLE.slice(0, 9) });
    await fake();
    await run();
    const total = h.rtx.configLines;
    await h.rtx.stop();
    for (let k = 1; k <= total; k++) {
      // Router time stands still until the test lets the window pass.
      await fake({ timeScale: 1 });
      const before = original();
      h.rtx.faults.dropAfterConfigLines = k;
      const error = await rejection(run().then(() => `k=${k}`));
      assert.match(error.message, /closed|lost/i, `k=${k}: ${error.message}`);
      h.rtx.clock.elapse();
      // A cut among the first lines (the console settings, typed before the revert is armed)
      // leaves only those: the next run puts back the saved ones.
      const reverted = settings(h.rtx.running.lines().join("\n")) === settings(before);
      const cutAfterCancel = h.rtx.received.at(-1) === "no schedule at 99";
      // Only a cut between cancelling the schedule and saving keeps the change, unsaved.
      assert.ok(reverted || cutAfterCancel, `k=${k}: the router did not revert`);
      assert.deepStrictEqual(h.rtx.pendingSchedules, [], `k=${k}`);
      const again = await run();
      assertSuccess(again);
      assert.ok(
        h.rtx.saved.has("tunnel encapsulation ipip", { kind: "tunnel", id: "1" }),
        `k=${k}`,
      );
      const consoleNow = h.rtx.running.lines().filter((l) => l.startsWith("console "));
      assert.deepStrictEqual(consoleNow, [], `k=${k}: console settings put back`);
      assertNoSavedSchedule(h);
      await h.rtx.stop();
    }
    assert.ok(total >= 15, `a full apply types ${total} configuration lines`);
  });

  it("a killed run leaves our schedule pending: the next apply recognises it and converges", async () => {
    await fake({ timeScale: 1 });
    h.rtx.faults.dropAfterConfigLines = 12;
    await rejection(h.run("apply", FAST));
    assert.deepStrictEqual(h.rtx.pendingSchedules, ["99"], "the cut run's schedule is pending");
    const again = await h.run("apply", FAST);
    assertSuccess(again);
    assert.strictEqual(again.revert?.leftover, true);
    assert.ok(h.rtx.saved.has("tunnel encapsulation ipip", { kind: "tunnel", id: "1" }));
  });

  it("refuses before typing anything but reads while another session is in administrator mode", async () => {
    await fake();
    h.rtx.otherUsers = [
      {
        name: "noc",
        connection: "telnet1",
        login: new Date(2024, 8, 16, 10, 21),
        admin: true,
        address: "192.168.0.100",
      },
    ];
    const error = await rejection(h.run("apply", FAST));
    assert.match(
      error.message,
      /another session is in administrator mode: "noc" on telnet1 from 192\.168\.0\.100, logged in since 09\/16 10:21/,
    );
    const typed = h.rtx.received.filter((l) => l !== h.rtx.adminPassword);
    assert.deepStrictEqual(typed, ["administrator", "show status user", "exit", "exit"]);
    assert.strictEqual(h.rtx.saves, 0);
    h.rtx.otherUsers[0].admin = false;
    assertSuccess(await h.run("apply", FAST));
  });

  it("another session changes a line between our read and our save: ours taken back, theirs kept, nothing saved", async () => {
    await fake();
    const theirs = ["ip", "route", "203.0.113.0/24", "gateway", "198.51.100.1"];
    let reads = 0;
    h.rtx.faults.onCommand = (line) => {
      if (line === "show config" && ++reads === 2) h.rtx.running.apply(theirs, null);
    };
    const error = await rejection(h.run("apply", FAST));
    assert.strictEqual(error.name, "RtxError");
    assert.match(
      error.message,
      /lines that are not ours changed while this run worked \(\+ "ip route 203\.0\.113\.0\/24 gateway 198\.51\.100\.1"\)/,
    );
    assert.match(error.message, /their change stays/);
    assert.strictEqual(h.rtx.saves, 0);
    assert.ok(h.rtx.running.has(theirs.join(" ")), "their line is kept");
    assert.ok(!h.rtx.running.has("tunnel encapsulation ipip", { kind: "tunnel", id: "1" }));
    assert.deepStrictEqual(h.rtx.pendingSchedules, []);
    await wait(700);
    assert.ok(h.rtx.running.has(theirs.join(" ")), "no revert took their line later");
    assert.strictEqual(h.rtx.rollbacksFired, 0);
  });

  for (const firmware of ["RTX1210 Rev.14.01.20", "RTX830 Rev.15.02.02"]) {
    it(`${firmware} has no way back: refused before any change unless the user opts out`, async () => {
      await fake({ firmware });
      const error = await rejection(h.run("apply", FAST));
      assert.match(
        error.message,
        /has neither "rollback timer" nor "schedule at <id> \+<seconds>"/,
      );
      assert.match(error.message, /--no-revert/);
      assert.strictEqual(h.rtx.saves, 0);
      assert.ok(!h.rtx.received.some((l) => /^tunnel select/.test(l)));
      const summary = await h.run("apply", { ...FAST, noRevert: true });
      assert.strictEqual(summary.saved, true);
      assert.deepStrictEqual(summary.revert?.protections, []);
      assert.strictEqual(summary.revert?.optedOut, true);
    });
  }

  it("firmware with the timer but no relative schedule runs with the timer alone", async () => {
    await fake({ firmware: "RTX1210 Rev.14.01.40", lockOutOnWanChange: "lan2" });
    const before = original();
    const error = await rejection(h.run("apply", FAST));
    assert.match(error.message, /reverts by itself at .*\(rollback-timer\)/);
    assert.match(error.message, /the first session saw the change taken back/);
    assert.strictEqual(h.rtx.running.lines().join("\n"), before);
    assert.strictEqual(h.rtx.rollbacksFired, 1);
    assert.ok(!h.rtx.received.some((l) => l.startsWith("schedule at")));
  });

  it("refuses a schedule id 99 that is someone else's, before any change", async () => {
    await fake({ config: [...USER_CONFIG, "schedule at 99 */* 03:00 * restart"] });
    const error = await rejection(h.run("apply", FAST));
    assert.match(error.message, /schedule id 99 holds "schedule at 99 \*\/\* 03:00 \* restart"/);
    assert.strictEqual(h.rtx.saves, 0);
    assert.ok(!h.rtx.received.some((l) => /^tunnel select/.test(l)));
  });

  it("a shorter window from the options, and nothing armed by a no-op or a dry run", async () => {
    await fake({ timeScale: 1 });
    const applied = await h.run("apply", { ...FAST, revertAfterSeconds: 60 });
    assert.ok(h.rtx.received.includes("rollback timer 60"));
    assert.strictEqual(applied.revert?.windowSeconds, 60);
    const typed = h.rtx.received.length;
    const again = await h.run("apply", FAST);
    const dry = await h.run("apply", { ...FAST, dryRun: true });
    assert.strictEqual(again.revert, undefined);
    assert.strictEqual(dry.revert, undefined);
    assert.ok(!h.rtx.received.slice(typed).some((l) => /schedule|rollback/.test(l)));
  });

  it("the command line: refused on old firmware (exit 1), --no-revert and --revert-after pass through", async () => {
    await fake({ firmware: "RTX1210 Rev.14.01.20", timeScale: 1 });
    const { args, env } = cliTarget(h);
    const stdin = `${EXAMPLE.join("\n")}\n`;
    const refused = await runCli(["apply", ...args], env, stdin);
    assert.strictEqual(refused.code, 1);
    assert.match(refused.stderr, /has neither "rollback timer".*--no-revert/);
    assert.strictEqual(refused.stdout, "");
    const done = await runCli(
      ["apply", ...args, "--no-revert", "--revert-after", "120"],
      env,
      stdin,
    );
    assert.strictEqual(done.code, 0, done.stderr);
    const summary = JSON.parse(done.stdout) as Summary;
    assert.deepStrictEqual(summary.revert, {
      protections: [],
      windowSeconds: 120,
      firmware: "RTX1210 Rev.14.01.20",
      optedOut: true,
      confirmedFrom: "second-connection",
    });
    for (const out of [refused.stderr, done.stderr, done.stdout])
      assert.ok(!out.includes(h.rtx.password) && !out.includes(h.rtx.adminPassword));
  });

  it("a revert that runs before the save is caught by reading the saved text back", async () => {
    await fake({ timeScale: 1 });
    // The window runs out just as the run cancels its schedule.
    h.rtx.faults.onCommand = (line) => {
      if (line === "no schedule at 99") h.rtx.clock.elapse();
    };
    const before = original();
    const error = await rejection(h.run("apply", FAST));
    assert.match(
      error.message,
      /the saved configuration 0 does not hold the change .*the revert ran before the save/,
    );
    assert.strictEqual(settings(h.rtx.saved.lines().join("\n")), settings(before));
    assert.deepStrictEqual(h.rtx.pendingSchedules, []);
  });
});
