import assert from "node:assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PATHS } from "../../src/gateway/paths";
import { renderGateway } from "../../src/gateway/render";
import { AwsStandin, credentialsOf, LoggedCall, StandinOptions } from "../support/aws-standin";
import { exampleConfig } from "../support/stacks";

/**
 * Runs the rendered notify script, unchanged, with the real curl and flock against the EC2/IMDS
 * stand-in (signatures verified, EC2's errors and throttling, expiring role credentials); only `ip`
 * (whether this gateway holds VRRP's placeholder address) and `logger` (the journal, a file here,
 * fed on stdin as the real `logger -t TAG` is) are stand-ins on PATH.
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

interface Run {
  status: number | null;
  log: string;
  argv: string;
}

class Gateway {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "vig-mover-"));
  readonly bin = path.join(this.dir, "bin");
  readonly script = path.join(this.dir, "notify-master");
  readonly runDir = path.join(this.dir, "run");
  readonly stateDir = path.join(this.dir, "var-lib");

  constructor(
    readonly index: 0 | 1,
    standin: AwsStandin,
  ) {
    fs.mkdirSync(this.bin);
    standin.curlWrapper(this.bin, GW[index].sourceIp);
    const routerId = /PLACEHOLDER=169\.254\.254\.(\d+)/.exec(this.notify)?.[1];
    fs.writeFileSync(
      path.join(this.bin, "ip"),
      `#!/bin/bash\n[ "$(cat ${this.dir}/master 2>/dev/null)" = 1 ] && echo "    inet 169.254.254.${routerId}/32 scope global vig-vrrp"\nexit 0\n`,
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(this.bin, "logger"), `#!/bin/bash\ncat >> ${this.dir}/journal\n`, {
      mode: 0o755,
    });
    fs.writeFileSync(this.script, this.notify, { mode: 0o755 });
    this.master(true);
  }

  get notify(): string {
    return renderGateway(config, this.index).files[PATHS.notifyScript];
  }

  /** This gateway saw these routes exist before (its state directory survives restarts). */
  sawBefore(routes: string[]): void {
    fs.mkdirSync(this.stateDir, { recursive: true });
    fs.writeFileSync(path.join(this.stateDir, "seen-routes"), routes.map((r) => `${r}\n`).join(""));
  }

  master(yes: boolean): void {
    fs.writeFileSync(path.join(this.dir, "master"), yes ? "1" : "0");
  }

  /** One run of the script; its journal and curl argv record are this run's only. */
  run(args: string[] = [], whileRunning?: () => void): Promise<Run> {
    for (const f of ["journal", "bin/curl.argv"])
      fs.rmSync(path.join(this.dir, f), { force: true });
    return new Promise((resolve) => {
      const child = spawn("bash", [this.script, ...args], {
        env: {
          PATH: `${this.bin}:/usr/bin:/bin`,
          VIG_RUN_DIR: this.runDir,
          VIG_STATE_DIR: this.stateDir,
        },
        stdio: "ignore",
      });
      whileRunning?.();
      child.on("exit", (status) => {
        const read = (f: string) =>
          fs.existsSync(path.join(this.dir, f))
            ? fs.readFileSync(path.join(this.dir, f), "utf8")
            : "";
        resolve({ status, log: read("journal"), argv: read("bin/curl.argv") });
      });
    });
  }
}

/** The curl processes of a run's argv record: those that talked to EC2, and all of them. */
const curlProcesses = (argv: string) => {
  const lines = argv.split("\n").filter(Boolean);
  return { ec2: lines.filter((l) => l.endsWith("(config: ec2)")).length, all: lines.length };
};
const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

const mutations = (calls: LoggedCall[]) =>
  calls.filter((c) => c.action === "ReplaceRoute" || c.action === "CreateRoute");
const movesPerRoute = (calls: LoggedCall[]) => {
  const moves = new Map<string, number>();
  for (const c of calls.filter((c) => c.moved))
    moves.set(`${c.table} ${c.cidr}`, (moves.get(`${c.table} ${c.cidr}`) ?? 0) + 1);
  return moves;
};
const allOn = (eni: string) =>
  Object.fromEntries(TABLES.map((t) => [t, Object.fromEntries(CIDRS.map((c) => [c, eni]))]));

describe("route mover: the rendered notify script, real curl, against the EC2/IMDS stand-in", function () {
  this.timeout(60000);
  const standins: AwsStandin[] = [];
  async function standin(options: Partial<StandinOptions> = {}): Promise<AwsStandin> {
    const s = new AwsStandin({ gateways: GW, routeTables: TABLES, ...options });
    await s.start();
    standins.push(s);
    return s;
  }
  after(() => standins.forEach((s) => s.stop()));

  it("leaves a route it has never seen to Pulumi: no CreateRoute, no failure, said once", async () => {
    const s = await standin();
    const gw = new Gateway(0, s);
    const run = await gw.run();
    assert.equal(run.status, 0, run.log);
    assert.deepEqual(
      s
        .calls()
        .filter((c) => c.status !== 200)
        .map((c) => c.code),
      Array(4).fill("InvalidParameterValue"),
    );
    assert.equal(s.calls().filter((c) => c.action === "CreateRoute").length, 0);
    assert.equal(run.log.match(/left for Pulumi to create/g)?.length, 4, run.log);
    const again = await gw.run(["--reassert"]);
    assert.equal(again.status, 0, again.log);
    assert.ok(!/left for Pulumi/.test(again.log), "said once per route, not every timer run");
    assert.equal(s.calls().filter((c) => c.action === "CreateRoute").length, 0);
  });

  it("creates a missing route it has seen exist (remembered across restarts), every call signed and verified", async () => {
    const s = await standin({ routes: allOn(GW[1].eni) });
    const gw = new Gateway(0, s);
    assert.equal((await gw.run()).status, 0);
    const seen = fs.readFileSync(path.join(gw.stateDir, "seen-routes"), "utf8");
    assert.equal(seen.trim().split("\n").length, 4, seen);
    // A restart clears /run, not the state directory; then the routes go missing.
    fs.rmSync(gw.runDir, { recursive: true, force: true });
    const fresh = await standin();
    const restarted = new Gateway(0, fresh);
    fs.mkdirSync(restarted.stateDir);
    fs.writeFileSync(path.join(restarted.stateDir, "seen-routes"), seen);
    const run = await restarted.run();
    assert.equal(run.status, 0, run.log);
    const created = fresh.calls().filter((c) => c.action === "CreateRoute" && c.status === 200);
    assert.equal(created.length, TABLES.length * CIDRS.length);
    assert.ok(created.every((c) => c.eni === GW[0].eni && c.caller === "gw-a"));
    assert.match(run.log, /-> eni-0aaaaaaaaaaaaaaa1 \(CreateRoute\)/);
  });

  it("moves all four routes in one curl process, and no secret reaches argv or the journal", async () => {
    const s = await standin({ routes: allOn(GW[1].eni) });
    const run = await new Gateway(0, s).run();
    assert.equal(run.status, 0, run.log);
    assert.equal(mutations(s.calls()).length, 4);
    assert.equal(curlProcesses(run.argv).ec2, 1, run.argv);
    const { secretAccessKey, sessionToken } = credentialsOf("gw-a");
    for (const text of [run.argv, run.log]) {
      assert.ok(!text.includes(secretAccessKey) && !text.includes(sessionToken));
    }
  });

  it("backs off on RequestLimitExceeded and moves every route once tokens come back", async () => {
    const s = await standin({ routes: allOn(GW[1].eni), bucket: 1, refill: 2 });
    const run = await new Gateway(0, s).run();
    assert.equal(run.status, 0, run.log);
    const calls = mutations(s.calls());
    assert.ok(calls.some((c) => c.status === 503 && c.code === "RequestLimitExceeded"));
    assert.equal(calls.filter((c) => c.status === 200).length, 4);
    assert.match(run.log, /HTTP 503 RequestLimitExceeded: Request limit exceeded\.\); retrying/);
  });

  it("never gives up while master, and stops as soon as it is not", async () => {
    const s = await standin({ routes: allOn(GW[1].eni), bucket: 0, refill: 0 });
    const gw = new Gateway(0, s);
    const run = await gw.run([], () => setTimeout(() => gw.master(false), 6000));
    assert.equal(run.status, 1);
    assert.ok(mutations(s.calls()).length >= 4 * 4, "kept trying for 6 s");
    assert.match(run.log, /4 route\(s\) left as they are: mastership no longer holds/);
  });

  it("--reassert as master repairs a missing or blackholed route and leaves its own and the peer's", async () => {
    const [t0, t1] = TABLES;
    const [c0, c1] = CIDRS;
    const s = await standin({
      gateways: [
        GW[0],
        { ...GW[1] },
        {
          name: "gw-old",
          sourceIp: "127.0.0.9",
          eni: "eni-0ccccccccccccccc3",
          privateIp: "10.0.3.10",
          running: false,
        },
      ],
      routes: {
        [t0]: { [c0]: GW[0].eni, [c1]: GW[1].eni },
        [t1]: { [c0]: "eni-0ccccccccccccccc3" },
      },
    });
    const gw = new Gateway(0, s);
    gw.sawBefore(TABLES.flatMap((t) => CIDRS.map((c) => `${t} ${c}`)));
    const run = await gw.run(["--reassert"]);
    assert.equal(run.status, 0, run.log);
    const moved = mutations(s.calls()).filter((c) => c.status === 200);
    assert.deepEqual(moved.map((c) => `${c.table} ${c.cidr}`).sort(), [
      `${t1} ${c0}`,
      `${t1} ${c1}`,
    ]);
    assert.ok(
      s.calls().some((c) => c.action === "DescribeNetworkInterfaces"),
      "asked who the peer is",
    );
  });

  it("--reassert as backup hands the routes still on its ENI to the peer's", async () => {
    const s = await standin({ routes: allOn(GW[1].eni) });
    const gw = new Gateway(1, s);
    gw.master(false);
    const run = await gw.run(["--reassert"]);
    assert.equal(run.status, 0, run.log);
    const moved = mutations(s.calls()).filter((c) => c.status === 200);
    assert.equal(moved.length, 4);
    assert.ok(moved.every((c) => c.eni === GW[0].eni && c.caller === "gw-b"));
  });

  it("split brain: both master, each re-asserts three times, every route moves once", async () => {
    const s = await standin({ routes: allOn(GW[0].eni) });
    const [a, b] = [new Gateway(0, s), new Gateway(1, s)];
    assert.equal((await b.run()).status, 0);
    for (let i = 0; i < 3; i++) {
      assert.equal((await a.run(["--reassert"])).status, 0);
      assert.equal((await b.run(["--reassert"])).status, 0);
    }
    const moves = movesPerRoute(s.calls());
    assert.equal(moves.size, 4);
    assert.ok(
      [...moves.values()].every((n) => n === 1),
      JSON.stringify([...moves]),
    );
  });

  it("one lock: a re-assert finds the lock held and leaves at once; notify waits for it", async () => {
    const s = await standin({ routes: allOn(GW[1].eni) });
    const gw = new Gateway(0, s);
    fs.mkdirSync(gw.runDir, { recursive: true });
    // The holder keeps the lock until its stdin closes: release is an event, not a timer.
    const holder = spawn("flock", [path.join(gw.runDir, "routes.lock"), "cat"]);
    const held = new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
    holder.stdin.write("held\n");
    await held;
    const reassert = await gw.run(["--reassert"]);
    assert.equal(reassert.status, 0);
    assert.equal(s.calls().length, 0);
    let finished = false;
    const notify = gw.run().then((r) => ((finished = true), r));
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(finished, false, "notify went ahead while the lock was held");
    assert.equal(s.calls().length, 0, "notify called EC2 while the lock was held");
    holder.stdin.end();
    const result = await notify;
    assert.equal(result.status, 0, result.log);
    assert.equal(mutations(s.calls()).length, 4);
  });

  describe("the cache of identity and credentials under /run", () => {
    it("cold: IMDS in three curl processes, then cached 0600 in a 0700 dir; warm: a failover is ONE curl and no IMDS request", async () => {
      const s = await standin({ routes: allOn(GW[1].eni) });
      const gw = new Gateway(0, s);
      const cold = await gw.run();
      assert.equal(cold.status, 0, cold.log);
      assert.deepEqual(
        s
          .imdsCalls()
          .map((c) => `${c.method} ${c.imds.replace(/^\/latest\//, "")} ${c.status}`)
          .sort(),
        [
          "PUT api/token 200",
          "GET meta-data/placement/region 200",
          "GET meta-data/mac 200",
          "GET meta-data/iam/security-credentials/ 200",
          "GET meta-data/network/interfaces/macs/02:00:5e:00:00:01/interface-id 200",
          "GET meta-data/network/interfaces/macs/02:00:5e:00:00:01/vpc-id 200",
          "GET meta-data/iam/security-credentials/vpc-ipip6-gateway-test-role 200",
        ].sort(),
      );
      assert.deepEqual(curlProcesses(cold.argv), { ec2: 1, all: 4 }, cold.argv);
      assert.equal(mode(gw.runDir), "700");
      assert.equal(mode(path.join(gw.runDir, "credentials")), "600");
      assert.equal(mode(path.join(gw.runDir, "identity")), "600");

      const imdsBefore = s.imdsCalls().length;
      const warm = await gw.run();
      assert.equal(warm.status, 0, warm.log);
      assert.equal(s.imdsCalls().length, imdsBefore, "nothing read from IMDS");
      assert.deepEqual(curlProcesses(warm.argv), { ec2: 1, all: 1 }, warm.argv);
      assert.equal(mutations(s.calls()).filter((c) => c.status === 200).length, 8);
      const { secretAccessKey, sessionToken } = credentialsOf("gw-a");
      for (const text of [cold.argv, cold.log, warm.argv, warm.log]) {
        assert.ok(!text.includes(secretAccessKey) && !text.includes(sessionToken));
      }
    });

    it("--warm fills the cache and calls no EC2 API; the failover after it reads nothing from IMDS", async () => {
      const s = await standin({ routes: allOn(GW[1].eni) });
      const gw = new Gateway(0, s);
      gw.master(false);
      const warm = await gw.run(["--warm"]);
      assert.equal(warm.status, 0, warm.log);
      assert.equal(s.calls().length, 0);
      const imdsBefore = s.imdsCalls().length;
      assert.ok(imdsBefore > 0);
      gw.master(true);
      const failover = await gw.run();
      assert.equal(failover.status, 0, failover.log);
      assert.equal(s.imdsCalls().length, imdsBefore);
      assert.deepEqual(curlProcesses(failover.argv), { ec2: 1, all: 1 }, failover.argv);
    });

    it("credentials with less than 5 min left are read again from IMDS, not trusted from the cache", async () => {
      // IMDS serves credentials that expire in 200 s: inside the mover's 5-minute margin at once
      const s = await standin({ routes: allOn(GW[1].eni), credentialTtlS: 200 });
      const gw = new Gateway(0, s);
      assert.equal((await gw.run()).status, 0);
      const imdsBefore = s.imdsCalls().length;
      const again = await gw.run();
      assert.equal(again.status, 0, again.log);
      assert.deepEqual(
        s
          .imdsCalls()
          .slice(imdsBefore)
          .map((c) => `${c.method} ${c.imds}`),
        [
          "PUT /latest/api/token",
          "GET /latest/meta-data/iam/security-credentials/vpc-ipip6-gateway-test-role",
        ],
      );
      assert.deepEqual(curlProcesses(again.argv), { ec2: 1, all: 3 }, again.argv);
    });

    it("cached credentials EC2 refuses as expired (RequestExpired) are dropped, IMDS's new ones move every route", async () => {
      const s = await standin({ routes: allOn(GW[1].eni), credentialTtlS: 400 });
      const gw = new Gateway(0, s);
      assert.equal((await gw.run()).status, 0);
      // 401 s on, the cached credentials (400 s by the gateway's clock) are expired for EC2
      await s.advanceClock(401);
      const callsBefore = s.calls().length;
      const run = await gw.run([], () => setTimeout(() => gw.master(false), 8000));
      assert.equal(run.status, 0, run.log);
      const calls = mutations(s.calls().slice(callsBefore));
      assert.deepEqual(
        calls.map((c) => c.code),
        [...Array(4).fill("RequestExpired"), ...Array(4).fill(null)],
      );
      assert.match(
        run.log,
        /EC2 refused the role's credentials \(RequestExpired\); reading new ones/,
      );
      const renewed = credentialsOf("gw-a", 1);
      assert.match(
        fs.readFileSync(path.join(gw.runDir, "credentials"), "utf8"),
        new RegExp(`^KEY_ID=${renewed.accessKeyId}$`, "m"),
      );
      for (const text of [run.argv, run.log]) {
        assert.ok(!text.includes(renewed.secretAccessKey) && !text.includes(renewed.sessionToken));
      }
    });
  });
});
