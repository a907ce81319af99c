/**
 * The fake router's ways back (test/rtx/fake-revert.ts names the reference section of each):
 * driven through a console session, as an engineer would type them.
 */
import assert from "assert";
import { RtxSession } from "../../src/rtx/session";
import { Harness, startFake, USER_CONFIG } from "./helpers";
import { FakeRtxOptions } from "./fake-rtx";

const ROUTE = "ip route 203.0.113.0/24 gateway 198.51.100.1";
const OTHER = "ip route 198.18.0.0/15 gateway 198.51.100.1";
/** Router seconds run 200 times faster: 60 s in 0.3 s. */
const SCALE = 0.005;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("fake rtx: rollback timer, schedule, sessions", function () {
  this.timeout(20000);
  let h: Harness;
  const open: RtxSession[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) s.destroy();
    if (h) await h.rtx.stop();
  });

  async function start(options: FakeRtxOptions = {}): Promise<RtxSession> {
    h = await startFake({ config: USER_CONFIG, timeScale: SCALE, ...options });
    return login();
  }

  async function login(): Promise<RtxSession> {
    const session = await RtxSession.open({
      host: "127.0.0.1",
      port: h.port,
      user: h.rtx.user,
      hostKey: h.rtx.publicKey,
      password: h.rtx.password,
      adminPassword: h.rtx.adminPassword,
      timeoutMs: 3000,
      settleMs: 10,
    });
    open.push(session);
    await session.enterAdmin();
    return session;
  }

  const route = (text: string) => text.split(" ");

  it("a rollback timer restores the configuration of the moment it started", async () => {
    const s = await start();
    h.rtx.running.apply(route(OTHER), null);
    assert.strictEqual(await s.command("rollback timer 60"), "");
    assert.strictEqual(await s.command(ROUTE), "");
    assert.ok(h.rtx.running.has(ROUTE));
    await wait(600);
    assert.ok(!h.rtx.running.has(ROUTE), "the change after the timer is gone");
    assert.ok(h.rtx.running.has(OTHER), "the change before the timer stays");
    assert.strictEqual(h.rtx.rollbacksFired, 1);
  });

  for (const [stopper, lines] of [
    ["confirm", ["confirm"]],
    ["save", ["save"]],
    ["a load without a timer", ["load config 0 difference silent"]],
  ] as const) {
    it(`${stopper} stops the rollback timer`, async () => {
      const s = await start();
      await s.command("rollback timer 60");
      await s.command(ROUTE);
      for (const line of lines) await s.command(line);
      const kept = lines[0] !== "load config 0 difference silent";
      await wait(600);
      assert.strictEqual(h.rtx.rollbacksFired, 0);
      assert.strictEqual(h.rtx.running.has(ROUTE), kept);
    });
  }

  it("logging out with exit stops the timer, and so does an abrupt drop (pessimistic)", async () => {
    let s = await start();
    await s.command("rollback timer 60");
    await s.command(ROUTE);
    await s.close();
    s = await login();
    await s.command("rollback timer 60");
    await s.command(OTHER);
    s.destroy();
    await wait(600);
    assert.strictEqual(h.rtx.rollbacksFired, 0);
    assert.ok(h.rtx.running.has(ROUTE) && h.rtx.running.has(OTHER));
  });

  it("restart stops the timer and boots the saved configuration", async () => {
    const s = await start();
    await s.command("rollback timer 60");
    await s.command(ROUTE);
    h.rtx.restart();
    await wait(600);
    assert.strictEqual(h.rtx.rollbacksFired, 0);
    assert.ok(s.isClosed || !h.rtx.running.has(ROUTE));
    assert.ok(!h.rtx.running.has(ROUTE));
  });

  it("the last timer set wins (one per console)", async () => {
    const s = await start();
    await s.command("rollback timer 60");
    await s.command(ROUTE);
    await s.command("rollback timer 600");
    await wait(600);
    assert.strictEqual(h.rtx.rollbacksFired, 0);
    assert.ok(h.rtx.running.has(ROUTE));
  });

  it("a relative schedule runs its load with no session, and takes its own line with it", async () => {
    const s = await start();
    const line = "schedule at 99 +60 * load config 0 difference silent no-key-generate";
    assert.strictEqual(await s.command(line), "");
    await s.command(ROUTE);
    assert.deepStrictEqual(h.rtx.pendingSchedules, ["99"]);
    s.destroy();
    await wait(600);
    assert.deepStrictEqual(h.rtx.scheduleRuns, [
      "99: load config 0 difference silent no-key-generate",
    ]);
    assert.ok(!h.rtx.running.has(ROUTE));
    assert.ok(!h.rtx.running.lines().some((l) => l.startsWith("schedule at")));
  });

  it("no schedule at cancels it; a saved relative schedule fires again after restart", async () => {
    const s = await start();
    await s.command("schedule at 7 +60 * load config 0 difference silent no-key-generate");
    await s.command("no schedule at 7");
    assert.deepStrictEqual(h.rtx.pendingSchedules, []);
    await s.command("schedule at 7 +60 * load config 0 difference silent no-key-generate");
    await s.command("save");
    await wait(600);
    assert.strictEqual(h.rtx.scheduleRuns.length, 1);
    h.rtx.restart();
    assert.deepStrictEqual(h.rtx.pendingSchedules, ["7"]);
    await wait(600);
    assert.strictEqual(h.rtx.scheduleRuns.length, 2);
  });

  it("refuses what schedule at cannot run, and the relative form outside 1..3600", async () => {
    const s = await start();
    for (const line of [
      "schedule at 9 +60 * save",
      "schedule at 9 +60 * confirm",
      "schedule at 9 +60 * rollback timer 60",
      "schedule at 9 +0 * load config 0",
      "schedule at 9 +3601 * load config 0",
    ]) {
      assert.match(await s.command(line), /Invalid parameter|パラメータ/, line);
    }
  });

  for (const [firmware, rollback, relative] of [
    ["RTX1210 Rev.14.01.20", false, false],
    ["RTX1210 Rev.14.01.40", true, false],
    ["RTX830 Rev.15.02.02", false, false],
    ["RTX1220 Rev.15.04.03", true, false],
    ["RTX5000 Rev.14.00.31", true, false],
    ["RTX830 Rev.15.02.03", true, true],
  ] as const) {
    it(`${firmware}: rollback timer ${rollback ? "yes" : "no"}, relative schedule ${relative ? "yes" : "no"}`, async () => {
      const s = await start({ firmware });
      const timer = await s.command("rollback timer 60");
      assert.strictEqual(timer === "", rollback, timer);
      const schedule = await s.command("schedule at 99 +60 * load config 0 difference silent");
      assert.strictEqual(schedule === "", relative, schedule);
      assert.match(await s.command("show environment"), new RegExp(firmware.replace(".", "\\.")));
    });
  }

  it("lists logins in show status user as the reference prints them", async () => {
    const s = await start();
    h.rtx.otherUsers = [
      {
        name: "noc",
        connection: "telnet1",
        login: new Date(2024, 8, 16, 10, 21),
        admin: true,
        address: "192.168.0.100",
      },
    ];
    const out = (await s.command("show status user")).split("\n");
    assert.match(
      out[0],
      /\(\*: current user, \+: administrator mode, @: authenticated via RADIUS\)/,
    );
    assert.strictEqual(
      out[3],
      " + noc             telnet1    09/16 10:21  0:01:07    192.168.0.100",
    );
    assert.match(
      out[4],
      /^\*\+ admin {11}ssh1 {7}\d\d\/\d\d \d\d:\d\d {2}0:00:00 {4}127\.0\.0\.1$/,
    );
  });

  it("cuts new connections while the WAN list differs from the saved one (a lock-out)", async () => {
    const s = await start({ lockOutOnWanChange: "lan2" });
    await s.command("ipv6 lan2 secure filter in 101000 101099");
    await assert.rejects(login(), /closed|cannot connect|lost/i);
    assert.strictEqual(h.rtx.lockedOut, 1);
    await s.command("ipv6 lan2 secure filter in 101000 101001 101099 dynamic 101080");
    await login();
  });

  it("drops the connection after the k-th configuration line", async () => {
    const s = await start();
    h.rtx.faults.dropAfterConfigLines = 2;
    await s.command(ROUTE);
    await assert.rejects(s.command(OTHER), /closed|lost/i);
    assert.ok(h.rtx.running.has(OTHER));
  });
});
