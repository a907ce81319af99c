import assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PRIORITIES } from "../../src/gateway/context";
import { PATHS } from "../../src/gateway/paths";
import { renderGateway } from "../../src/gateway/render";
import { SEEN_FILE_NAME, VRRP_FIFO_NAME } from "../../src/gateway/route-mover";
import { parseRequestText } from "../support/http-text";
import { SUITE_CASES, SUITE_CREDENTIALS } from "../support/sigv4-vectors";
import { AwsStandin, credentialsOf, LoggedCall, StandinOptions } from "../support/aws-standin";
import { exampleConfig } from "../support/stacks";

/**
 * Runs the rendered route mover, unchanged, under python3 against the EC2/IMDS stand-in (signatures
 * verified, EC2's errors and throttling, expiring role credentials), its VRRP transitions written to
 * its FIFO as keepalived writes them. Only where it connects (the stand-in on loopback, its CA) and
 * whether it holds VRRP's placeholder at start are set through its test hooks.
 */

const native = exampleConfig("native");
/** The native example's two site CIDRs in two route tables: four routes. */
const config = {
  ...native,
  vpc: { ...native.vpc, routeTableIds: ["rtb-0ccc3333", "rtb-0ddd4444"] },
};
const TABLES = config.vpc.routeTableIds;
const CIDRS = config.site.cidrs;
const GW = [
  {
    name: "gw-a",
    sourceIp: "127.0.0.1",
    eni: "eni-0aaaaaaaaaaaaaaa1",
    privateIp: config.gateways[0].privateIp,
  },
  {
    name: "gw-b",
    sourceIp: "127.0.0.2",
    eni: "eni-0bbbbbbbbbbbbbbb2",
    privateIp: config.gateways[1].privateIp,
  },
];
const ROUTES = TABLES.length * CIDRS.length;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, test: () => boolean, timeoutMs = 15000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

class Mover {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "vig-mover-"));
  readonly runDir = path.join(this.dir, "run");
  readonly stateDir = path.join(this.dir, "state");
  readonly script = path.join(this.dir, "route-mover");
  readonly configFile = path.join(this.dir, "route-mover.json");
  child?: ChildProcess;
  journal = "";

  constructor(
    readonly index: 0 | 1,
    readonly standin: AwsStandin,
    readonly env: Record<string, string> = {},
  ) {
    const files = renderGateway(config, index).files;
    fs.writeFileSync(this.script, files[PATHS.routeMoverScript], { mode: 0o755 });
    fs.writeFileSync(this.configFile, files[PATHS.routeMoverConfig]);
    fs.mkdirSync(this.runDir);
  }

  get instance(): string {
    return (JSON.parse(fs.readFileSync(this.configFile, "utf8")) as { instance: string }).instance;
  }

  start(masterAtStart: boolean, dir: Mover = this): ChildProcess {
    const child = spawn("python3", ["-I", "-S", dir.script, dir.configFile], {
      env: {
        PATH: "/usr/bin:/bin",
        VIG_RUN_DIR: dir.runDir,
        VIG_STATE_DIR: dir.stateDir,
        VIG_IMDS: `127.0.0.1:${this.standin.imdsPort}`,
        // CloudWatch is no part of these tests: a closed port, never the network
        VIG_CONNECT: `ec2=127.0.0.1:${this.standin.ec2Port},monitoring=127.0.0.1:1`,
        VIG_SOURCE_IP: GW[this.index].sourceIp,
        VIG_MASTER_AT_START: masterAtStart ? "1" : "0",
        SSL_CERT_FILE: this.standin.tls.ca,
        ...this.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => (this.journal += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.journal += d.toString()));
    this.child = child;
    return child;
  }

  async ready(): Promise<void> {
    await until("the mover ready", () => /^ready: /m.test(this.journal));
  }

  /** One line as keepalived writes it: its FIFO opened read-write and non-blocking. */
  transition(state: string): void {
    const fd = fs.openSync(
      path.join(this.runDir, VRRP_FIFO_NAME),
      fs.constants.O_RDWR | fs.constants.O_NONBLOCK,
    );
    fs.writeSync(fd, `INSTANCE "${this.instance}" ${state} ${PRIORITIES[this.index]}\n`);
    fs.closeSync(fd);
  }

  /** Child processes the mover has now (it must never start one). */
  children(): number {
    const pid = this.child?.pid;
    if (!pid) return 0;
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .map((t) => fs.readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim())
      .filter(Boolean).length;
  }

  /** The nice value of each of the mover's threads now (field 19 of /proc/PID/task/TID/stat). */
  nices(): number[] {
    const pid = this.child?.pid;
    if (!pid) return [];
    return fs.readdirSync(`/proc/${pid}/task`).map((t) => {
      const stat = fs.readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
    });
  }

  /** Threads the mover has now (a failover starts none: its lanes run from the start). */
  threads(): number {
    const pid = this.child?.pid;
    return pid ? fs.readdirSync(`/proc/${pid}/task`).length : 0;
  }

  stop(): void {
    this.child?.kill("SIGKILL");
  }
}

const mutations = (calls: LoggedCall[]) =>
  calls.filter((c) => c.action === "ReplaceRoute" || c.action === "CreateRoute");
const done = (calls: LoggedCall[], caller: string) =>
  mutations(calls).filter((c) => c.status === 200 && c.caller === caller);
const movesPerRoute = (calls: LoggedCall[]) => {
  const moves = new Map<string, number>();
  for (const c of calls.filter((c) => c.moved))
    moves.set(`${c.table} ${c.cidr}`, (moves.get(`${c.table} ${c.cidr}`) ?? 0) + 1);
  return moves;
};
const allOn = (eni: string) =>
  Object.fromEntries(TABLES.map((t) => [t, Object.fromEntries(CIDRS.map((c) => [c, eni]))]));
const seenAll = () => TABLES.flatMap((t) => CIDRS.map((c) => `${t} ${c}`)).sort();

describe("route mover: the rendered resident mover, python3, against the EC2/IMDS stand-in", function () {
  this.timeout(60000);
  const standins: AwsStandin[] = [];
  const movers: Mover[] = [];
  async function standin(options: Partial<StandinOptions> = {}): Promise<AwsStandin> {
    const s = new AwsStandin({ gateways: GW, routeTables: TABLES, ...options });
    await s.start();
    standins.push(s);
    return s;
  }
  function mover(index: 0 | 1, s: AwsStandin, env: Record<string, string> = {}): Mover {
    const m = new Mover(index, s, env);
    movers.push(m);
    return m;
  }
  after(() => {
    movers.forEach((m) => m.stop());
    standins.forEach((s) => s.stop());
  });

  it("moves every route on MASTER from keepalived's FIFO: signed, verified, no process started, no IMDS read", async () => {
    const s = await standin({ routes: allOn(GW[1].eni) });
    const m = mover(0, s);
    m.start(false);
    await m.ready();
    const imdsBefore = s.imdsCalls().length;
    const threadsBefore = m.threads();
    m.transition("MASTER");
    await until("four routes moved", () => done(s.calls(), "gw-a").length === ROUTES);
    await until(
      "their journal lines",
      () => (m.journal.match(/\(ReplaceRoute\)/g) ?? []).length === ROUTES,
    );
    assert.equal(m.threads(), threadsBefore, "a failover starts no thread either");
    assert.ok(done(s.calls(), "gw-a").every((c) => c.eni === GW[0].eni && c.moved));
    assert.equal(s.imdsCalls().length, imdsBefore, "IMDS is off the critical path");
    assert.equal(m.children(), 0, "a failover starts no process");
    assert.match(
      m.journal,
      /route 172\.\S+ in rtb-0ccc3333 -> eni-0aaaaaaaaaaaaaaa1 \(ReplaceRoute\)/,
    );
    await until("the record, after the takeover", () => /vrrp: INIT -> MASTER at /.test(m.journal));
    const { secretAccessKey, sessionToken } = credentialsOf("gw-a");
    assert.ok(!m.journal.includes(secretAccessKey) && !m.journal.includes(sessionToken));
    const record = JSON.parse(fs.readFileSync(path.join(m.runDir, "vrrp.json"), "utf8")) as {
      state: string;
      transitions: { to: string }[];
    };
    assert.equal(record.state, "MASTER");
    assert.deepEqual(
      record.transitions.map((t) => t.to),
      ["MASTER"],
    );
    assert.deepEqual(
      (
        JSON.parse(fs.readFileSync(path.join(m.stateDir, SEEN_FILE_NAME), "utf8")) as {
          seen: string[];
        }
      ).seen,
      seenAll(),
    );
  });

  it("never creates a route it has not seen exist: logged once, not an error; once seen, across a restart, CreateRoute", async () => {
    const empty = await standin();
    const first = mover(0, empty, { VIG_REASSERT_S: "0.5" });
    first.start(true);
    await first.ready();
    await until(
      "two re-asserts",
      () => empty.calls().filter((c) => c.action === "DescribeRouteTables").length >= 2,
    );
    assert.equal(mutations(empty.calls()).filter((c) => c.action === "CreateRoute").length, 0);
    for (const t of TABLES)
      for (const c of CIDRS) {
        const line = `route ${c} in ${t} not created yet: Pulumi creates it`;
        assert.equal(first.journal.split(line).length - 1, 1, `${line}: once\n${first.journal}`);
      }
    assert.doesNotMatch(first.journal, /failed/);
    first.stop();

    // the routes exist (Pulumi created them); the mover sees them, then they vanish
    const present = await standin({ routes: allOn(GW[1].eni) });
    const second = mover(0, present, { VIG_REASSERT_S: "0.5" });
    second.start(false, first);
    await until(
      "the routes seen",
      () =>
        fs.existsSync(path.join(first.stateDir, SEEN_FILE_NAME)) &&
        (
          JSON.parse(fs.readFileSync(path.join(first.stateDir, SEEN_FILE_NAME), "utf8")) as {
            seen: string[];
          }
        ).seen.length === ROUTES,
    );
    second.stop();
    const gone = await standin();
    const third = mover(0, gone);
    third.start(true, first);
    await until("four routes created", () => done(gone.calls(), "gw-a").length === ROUTES);
    assert.ok(done(gone.calls(), "gw-a").every((c) => c.action === "CreateRoute"));
  });

  it("backs off on RequestLimitExceeded and moves every route once tokens come back", async () => {
    const s = await standin({ routes: allOn(GW[1].eni), bucket: 1, refill: 2 });
    const m = mover(0, s);
    m.start(false);
    await m.ready();
    m.transition("MASTER");
    await until("four routes moved", () => done(s.calls(), "gw-a").length === ROUTES);
    assert.ok(
      mutations(s.calls()).some((c) => c.status === 503 && c.code === "RequestLimitExceeded"),
    );
    assert.match(m.journal, /HTTP 503 RequestLimitExceeded: Request limit exceeded\.\); retrying/);
  });

  it("writes the VRRP record after the takeover, so nothing competes with it, then says what the takeover took", async () => {
    const s = await standin({ routes: allOn(GW[1].eni), latencyMs: 150 });
    const m = mover(0, s);
    m.start(false);
    await m.ready();
    m.transition("MASTER");
    await until("the record's journal line", () => /vrrp: INIT -> MASTER/.test(m.journal));
    const lines = m.journal.split("\n");
    const recordLine = lines.findIndex((l) => /vrrp: INIT -> MASTER/.test(l));
    const routeLines = lines.flatMap((l, i) => (/\(ReplaceRoute\)/.test(l) ? [i] : []));
    assert.equal(routeLines.length, ROUTES, m.journal);
    assert.ok(
      routeLines.every((i) => i < recordLine),
      `routes first:\n${m.journal}`,
    );
    assert.match(
      lines[recordLine],
      /^vrrp: INIT -> MASTER at \d\d:\d\d:\d\d\.\d{3} UTC: became master \(priority 254\)$/,
    );
    const summary =
      /^takeover: 4 of 4 route\(s\) on this gateway (\d+) ms after MASTER \(first request sent after (\d+) ms, first answer after (\d+) ms\)$/m.exec(
        m.journal,
      );
    assert.ok(summary, m.journal);
    const [last, sent, first] = summary.slice(1).map(Number);
    assert.ok(last >= 75 && first >= 75, "EC2's latency (75 ms at least) is in both");
    assert.ok(sent <= first - 75 && first <= last, `sent ${sent}, first ${first}, last ${last}`);
  });

  it("a takeover never waits for a re-assert's read: its first request goes while the read is answered", async () => {
    const s = await standin({ routes: allOn(GW[1].eni), readLatencyMs: 1500 });
    const m = mover(0, s, { VIG_REASSERT_S: "0.3" });
    m.start(false);
    await m.ready();
    await until("a re-assert's read answered", () =>
      s.calls().some((c) => c.action === "DescribeRouteTables"),
    );
    await sleep(500); // the next read (1.5 s) is in flight
    m.transition("MASTER");
    await until("four routes moved", () => done(s.calls(), "gw-a").length === ROUTES);
    const received = (c: LoggedCall) => (c as LoggedCall & { received: number }).received;
    const firstMove = Math.min(...done(s.calls(), "gw-a").map(received));
    const reads = () => s.calls().filter((c) => c.action === "DescribeRouteTables");
    await until("the read in flight answered", () => reads().some((r) => r.t > firstMove));
    assert.ok(
      reads().some((r) => received(r) < firstMove && r.t > firstMove),
      `a read was in flight when the first route request came: ${JSON.stringify(reads())} ${firstMove}`,
    );
  });

  it("runs the record and the metric low, and at the takeover's priority while one is queued or running", async function () {
    if (process.getuid?.() !== 0) this.skip(); // a negative nice needs root, as on a gateway
    const s = await standin({ routes: allOn(GW[1].eni), latencyMs: 1500 });
    const m = mover(0, s);
    m.start(false);
    await m.ready();
    await until(
      "the background threads low",
      () => m.nices().includes(19) && m.nices().includes(10),
    );
    assert.ok(
      m.nices().every((n) => [-10, 10, 19].includes(n)),
      `${m.nices()}`,
    );
    m.transition("MASTER");
    await until("every thread at the takeover's priority", () => m.nices().every((n) => n === -10));
    assert.equal(done(s.calls(), "gw-a").length, 0, "while the takeover still runs");
    await until("four routes moved", () => done(s.calls(), "gw-a").length === ROUTES);
    await until("low again", () => m.nices().includes(19) && m.nices().includes(10));
  });

  it("never gives up while master, and stops as soon as keepalived says it is not", async () => {
    const s = await standin({ routes: allOn(GW[1].eni), bucket: 0, refill: 0 });
    const m = mover(0, s);
    m.start(false);
    await m.ready();
    m.transition("MASTER");
    await sleep(5000);
    assert.ok(mutations(s.calls()).length >= 4 * 4, "kept trying for 5 s");
    assert.match(
      m.journal,
      /vrrp: INIT -> MASTER at /,
      "a move that goes on holds the record back 2 s at most",
    );
    m.transition("BACKUP");
    await until("it gives up", () =>
      /4 route\(s\) left as they are: mastership no longer holds/.test(m.journal),
    );
    const after = mutations(s.calls()).length;
    await sleep(1000);
    assert.equal(mutations(s.calls()).length, after);
  });

  it("re-assert as master repairs a missing (seen), blackholed or foreign route and leaves the peer's", async () => {
    const [t0, t1] = TABLES;
    const [c0, c1] = CIDRS;
    const old = {
      name: "gw-old",
      sourceIp: "127.0.0.9",
      eni: "eni-0ccccccccccccccc3",
      privateIp: "10.0.3.10",
      running: false,
    };
    const s = await standin({ gateways: [GW[0], { ...GW[1] }, old], routes: allOn(GW[1].eni) });
    const m = mover(0, s, { VIG_REASSERT_S: "1" });
    m.start(true);
    await until("the takeover", () => done(s.calls(), "gw-a").length === ROUTES);
    // behind its back: one route to the peer, one to a stopped instance, one deleted
    await s.setRoute(t0, c1, GW[1].eni);
    await s.setRoute(t1, c0, old.eni);
    await s.setRoute(t1, c1, "-");
    const before = s.calls().length;
    await until(
      "a re-assert's repairs",
      () => done(s.calls().slice(before), "gw-a").length === 2,
      10000,
    );
    await until(
      "one more re-assert",
      () =>
        s
          .calls()
          .slice(before)
          .filter((c) => c.action === "DescribeRouteTables").length >= 2,
    );
    const repaired = done(s.calls().slice(before), "gw-a").map(
      (c) => `${c.action} ${c.table} ${c.cidr}`,
    );
    assert.deepEqual(
      repaired.sort(),
      [`CreateRoute ${t1} ${c1}`, `ReplaceRoute ${t1} ${c0}`].sort(),
    );
    assert.ok(
      s.calls().some((c) => c.action === "DescribeNetworkInterfaces"),
      "asked who the peer is",
    );
    assert.match(
      m.journal,
      new RegExp(`route ${c0.replace(/[./]/g, "\\$&")} in ${t1}: ${old.eni} blackhole; repairing`),
    );
  });

  it("a master that hears a lower-priority master (MASTER_RX_LOWER_PRI) takes the routes back, and stays master", async () => {
    const s = await standin({ routes: allOn(GW[1].eni) });
    const m = mover(0, s);
    m.start(false);
    await m.ready();
    m.transition("MASTER");
    await until("the takeover", () => done(s.calls(), "gw-a").length === ROUTES);
    // the peer took them during a split brain
    for (const t of TABLES) for (const c of CIDRS) await s.setRoute(t, c, GW[1].eni);
    const before = s.calls().length;
    m.transition("MASTER_RX_LOWER_PRI");
    await until(
      "the routes taken back",
      () => done(s.calls().slice(before), "gw-a").length === ROUTES,
    );
    assert.ok(done(s.calls().slice(before), "gw-a").every((c) => c.moved));
    // the record is written once no takeover is left
    await until("the record", () => /vrrp: INIT -> MASTER at /.test(m.journal));
    const record = JSON.parse(fs.readFileSync(path.join(m.runDir, "vrrp.json"), "utf8")) as {
      state: string;
    };
    assert.equal(record.state, "MASTER", "an event, not a state");
  });

  it("re-assert as backup hands the routes still on its ENI to the peer's", async () => {
    const s = await standin({ routes: allOn(GW[1].eni) });
    const m = mover(1, s, { VIG_REASSERT_S: "0.5" });
    m.start(false);
    await until("four routes handed back", () => done(s.calls(), "gw-b").length === ROUTES);
    assert.ok(done(s.calls(), "gw-b").every((c) => c.eni === GW[0].eni));
    assert.match(
      m.journal,
      /on this gateway, which is not master; handing it to eni-0aaaaaaaaaaaaaaa1/,
    );
  });

  it("split brain: both master, each re-asserts several times, every route moves once", async () => {
    const s = await standin({ routes: allOn(GW[0].eni) });
    const a = mover(0, s, { VIG_REASSERT_S: "0.5" });
    const b = mover(1, s, { VIG_REASSERT_S: "0.5" });
    a.start(true);
    await a.ready();
    b.start(false);
    await b.ready();
    b.transition("MASTER");
    await until(
      "three re-asserts each",
      () =>
        s.calls().filter((c) => c.action === "DescribeRouteTables" && c.caller === "gw-a").length >=
          4 &&
        s.calls().filter((c) => c.action === "DescribeRouteTables" && c.caller === "gw-b").length >=
          4,
    );
    const moves = movesPerRoute(s.calls());
    assert.equal(moves.size, ROUTES);
    assert.ok(
      [...moves.values()].every((n) => n === 1),
      JSON.stringify([...moves]),
    );
  });

  it("one active mover per gateway: a second one is its spare, reads no FIFO line, and passes a reload on", async () => {
    const s = await standin({ routes: allOn(GW[1].eni) });
    const m = mover(0, s);
    m.start(false);
    await m.ready();
    const spare = mover(0, s);
    spare.start(false, m);
    await spare.ready();
    assert.match(
      spare.journal,
      /^spare: the active route mover is pid \d+; this one \(pid \d+\) takes over when it ends$/m,
    );
    m.transition("MASTER");
    await until("four routes moved", () => done(s.calls(), "gw-a").length === ROUTES);
    await until(
      "the active's journal lines",
      () => (m.journal.match(/\(ReplaceRoute\)/g) ?? []).length === ROUTES,
    );
    assert.doesNotMatch(spare.journal, /ReplaceRoute|vrrp:/, "the spare acts on nothing");
    // systemd's ExecReload signals the unit's main process, which may be the spare
    const reads = () => s.calls().filter((c) => c.action === "DescribeRouteTables").length;
    const before = reads();
    spare.child?.kill("SIGUSR1");
    await until("a re-assert by the active mover", () => reads() === before + 1);
    assert.equal(m.children() + spare.children(), 0);
  });

  it("a killed active mover's spare takes over at once: no IMDS read, no process, and moves every route", async () => {
    const s = await standin({ routes: allOn(GW[1].eni) });
    const m = mover(0, s);
    m.start(false);
    await m.ready();
    const spare = mover(0, s, { VIG_MASTER_AT_START: "1" });
    spare.start(false, m);
    await spare.ready();
    await until("the spare waiting", () => /^spare: /m.test(spare.journal));
    const imdsBefore = s.imdsCalls().length;
    m.stop();
    await new Promise((r) => m.child?.on("exit", r));
    // keepalived on this gateway became master while no mover read its FIFO: the placeholder says so
    await until("four routes moved by the spare", () => done(s.calls(), "gw-a").length === ROUTES);
    assert.match(
      spare.journal,
      /^took over from pid \d+, which ended \(master, ready\); pid \d+$/m,
    );
    assert.equal(
      s.imdsCalls().length,
      imdsBefore,
      "the spare read its identity before it was needed",
    );
    assert.equal(spare.children(), 0, "a takeover starts no process");
    const lockPid = Number(fs.readFileSync(path.join(m.runDir, "route-mover.lock"), "utf8").trim());
    assert.equal(lockPid, spare.child?.pid);
  });

  it("a killed mover's successor replays what keepalived wrote meanwhile and moves the routes", async () => {
    const s = await standin({ routes: allOn(GW[1].eni) });
    const m = mover(0, s);
    m.start(false);
    await m.ready();
    // keepalived keeps the FIFO open read-write: what it writes waits in the pipe
    const keepalived = fs.openSync(
      path.join(m.runDir, VRRP_FIFO_NAME),
      fs.constants.O_RDWR | fs.constants.O_NONBLOCK,
    );
    m.stop();
    await new Promise((r) => m.child?.on("exit", r));
    fs.writeSync(keepalived, `INSTANCE "${m.instance}" MASTER 200\n`);
    const next = new Mover(0, s);
    next.start(false, m);
    await until("four routes moved", () => done(s.calls(), "gw-a").length === ROUTES);
    fs.closeSync(keepalived);
    next.stop();
  });

  it("follows the FIFO when keepalived made a new one (it unlinks a FIFO it created when it stops)", async () => {
    const s = await standin({ routes: allOn(GW[1].eni) });
    const m = mover(0, s);
    m.start(false);
    await m.ready();
    const fifo = path.join(m.runDir, VRRP_FIFO_NAME);
    fs.rmSync(fifo);
    spawnSync("mkfifo", ["-m", "0644", fifo]);
    const keepalived = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    fs.writeSync(keepalived, `INSTANCE "${m.instance}" MASTER 200\n`);
    await until("four routes moved", () => done(s.calls(), "gw-a").length === ROUTES, 10000);
    fs.closeSync(keepalived);
  });

  it("credentials EC2 refuses as expired (RequestExpired) are replaced from IMDS, and every route moves", async () => {
    const s = await standin({ routes: allOn(GW[1].eni), credentialTtlS: 400 });
    const m = mover(0, s);
    m.start(false);
    await m.ready();
    // the start's re-assert reads the tables first: the clock moves only once it has
    await until("the start's re-assert", () =>
      s.calls().some((c) => c.action === "DescribeRouteTables" && c.status === 200),
    );
    await s.advanceClock(401);
    m.transition("MASTER");
    await until("four routes moved", () => done(s.calls(), "gw-a").length === ROUTES);
    assert.ok(mutations(s.calls()).some((c) => c.code === "RequestExpired"));
    assert.match(
      m.journal,
      /EC2 refused the role's credentials \(RequestExpired\); reading new ones from IMDS/,
    );
    const renewed = credentialsOf("gw-a", 1);
    assert.ok(
      !m.journal.includes(renewed.secretAccessKey) && !m.journal.includes(renewed.sessionToken),
    );
  });
});

describe("route mover: in-process SigV4 against AWS's published Signature Version 4 test suite", () => {
  it("gives each case's canonical request, string to sign and Authorization as published", () => {
    const files = renderGateway(config, 0).files;
    const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vig-sign-")), "route-mover");
    fs.writeFileSync(script, files[PATHS.routeMoverScript]);
    const cases = SUITE_CASES.map((c) => {
      const r = parseRequestText(c.signedRequest);
      return {
        method: r.method,
        target: r.target,
        headers: r.headers.filter(([n]) => n.toLowerCase() !== "authorization"),
        body: r.body.toString("utf8"),
        id: SUITE_CREDENTIALS.accessKeyId,
        secret: SUITE_CREDENTIALS.secretAccessKey,
        now: "20150830T123600Z",
        region: "us-east-1",
        service: "service",
      };
    });
    const run = spawnSync("python3", ["-I", "-S", script, "--sign"], {
      input: JSON.stringify(cases),
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as {
      authorization: string;
      canonicalRequest: string;
      stringToSign: string;
    }[];
    SUITE_CASES.forEach((c, i) => {
      assert.equal(out[i].canonicalRequest, c.canonicalRequest, c.name);
      assert.equal(out[i].stringToSign, c.stringToSign, c.name);
      const published = parseRequestText(c.signedRequest).headers.find(
        ([n]) => n.toLowerCase() === "authorization",
      )?.[1];
      assert.equal(out[i].authorization, published, c.name);
    });
  });
});
