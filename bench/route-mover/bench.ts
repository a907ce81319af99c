/**
 * The route mover benchmark's driver; bench/route-mover/run.sh starts it inside a network and mount
 * namespace of its own (169.254.169.254 on lo, ec2.<region>.amazonaws.com -> 127.0.0.1). It runs the
 * rendered notify script and the aws CLI v2 against the EC2/IMDS stand-in (lab/aws-standin), and
 * prints medians as a table and JSON. docs/route-mover.md explains each figure.
 */

import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StackConfig } from "../../src/config/types";
import { gatewayContext } from "../../src/gateway/context";
import { renderNotifyScript } from "./forking-mover";
import { residentRows } from "./resident";
import { ec2Hostname, makeTlsFiles } from "../../lab/tls";
import { credentialsOf, REGION, STANDIN, standinGateway } from "../../test/support/aws-standin";
import { exampleConfig } from "../../test/support/stacks";

const AWS = "/usr/bin/aws";
const ENI = { a: "eni-0aaaaaaaaaaaaaaa1", b: "eni-0bbbbbbbbbbbbbbb2" };
const THROTTLE = { stacks: 100, tablesPerStack: 3, bucket: 50, refill: 5 };

interface Options {
  runs: number;
  latencyMs: number;
  json?: string;
  skipCli: boolean;
  skipThrottle: boolean;
  /** How long the resident mover is watched idle for its CPU use, s. */
  idleS: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { runs: 5, latencyMs: 20, skipCli: false, skipThrottle: false, idleS: 30 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--runs") o.runs = Number(argv[++i]);
    else if (a === "--latency-ms") o.latencyMs = Number(argv[++i]);
    else if (a === "--json") o.json = argv[++i];
    else if (a === "--skip-cli") o.skipCli = true;
    else if (a === "--skip-throttle") o.skipThrottle = true;
    else if (a === "--idle-s") o.idleS = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "vig-bench-"));
const tls = makeTlsFiles(work, ec2Hostname(REGION));
const table = (n: number) => `rtb-0${n.toString(16).padStart(8, "0")}`;

/** gw-a of the native example stack with these route tables and site CIDRs: tables x CIDRs routes. */
function caseContext(tables: string[], cidrs: string[]) {
  const base = exampleConfig("native");
  const config: StackConfig = {
    ...base,
    vpc: { ...base.vpc, routeTableIds: tables },
    site: { ...base.site, cidrs },
  };
  return gatewayContext(config, 0);
}

/** BEFORE: the forking notify script for these routes. */
function notifyScript(name: string, tables: string[], cidrs: string[]): string {
  const file = path.join(work, `${name}.sh`);
  fs.writeFileSync(file, renderNotifyScript(caseContext(tables, cidrs)), { mode: 0o755 });
  return file;
}

/** The cost cases: 1 route (1 table x 1 CIDR) and 15 (3 tables x 5 CIDRs). */
const CASES = [1, 15].map((routes) => {
  const tables = Array.from({ length: routes === 1 ? 1 : 3 }, (_, i) => table(routes * 16 + i));
  const cidrs = Array.from({ length: routes / tables.length }, (_, i) => `192.168.${10 + i}.0/24`);
  return { routes, tables, cidrs, script: notifyScript(`mover-${routes}`, tables, cidrs) };
});
const STACKS = Array.from({ length: THROTTLE.stacks }, (_, s) => {
  const tables = Array.from({ length: THROTTLE.tablesPerStack }, (_, i) =>
    table(0x1000 + s * THROTTLE.tablesPerStack + i),
  );
  const cidrs = [`172.16.${s}.0/24`];
  return { tables, cidrs, script: notifyScript(`stack-${s}`, tables, cidrs) };
});

class Standin {
  private child?: ChildProcess;
  readonly log: string;
  constructor(
    readonly name: string,
    private readonly args: string[],
  ) {
    this.log = path.join(work, `${name}.jsonl`);
  }
  async start(): Promise<void> {
    const all = [...CASES, ...STACKS];
    const state = {
      region: REGION,
      accountId: "123456789012",
      vpcId: "vpc-0abc1234",
      vpcCidrs: ["10.0.0.0/16"],
      routeTables: Object.fromEntries(all.flatMap((c) => c.tables).map((t) => [t, null])),
      routes: Object.fromEntries(
        all.flatMap((c) =>
          c.tables.map((t) => [t, Object.fromEntries(c.cidrs.map((cidr) => [cidr, ENI.b]))]),
        ),
      ),
      gateways: [
        { name: "gw-a", sourceIp: "169.254.169.254", eni: ENI.a, privateIp: "10.0.1.10" },
        { name: "gw-b", sourceIp: "none", eni: ENI.b, privateIp: "10.0.2.10" },
      ].map((g, i) => standinGateway(g, i, "vpc-ipip6-gateway-bench-role")),
    };
    const stateFile = path.join(work, `${this.name}-state.json`);
    fs.writeFileSync(stateFile, JSON.stringify(state));
    this.child = spawn(
      "python3",
      [
        STANDIN,
        "--state",
        stateFile,
        "--ec2",
        "127.0.0.1:443",
        "--imds",
        "169.254.169.254:80",
      ].concat(["--tls-cert", tls.cert, "--tls-key", tls.key, "--log", this.log], this.args),
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve, reject) => {
      this.child?.stdout?.once("data", () => resolve());
      this.child?.once("exit", (code) => reject(new Error(`stand-in exited ${code}`)));
    });
  }
  stop(): void {
    this.child?.kill();
  }
  calls(): {
    action: string;
    status: number;
    table: string;
    cidr: string;
    eni: string;
    t: number;
  }[] {
    return fs
      .readFileSync(this.log, "utf8")
      .split("\n")
      .filter((l) => l && !l.includes('"imds"'))
      .map((l) => JSON.parse(l));
  }
}

interface Counts {
  execs: number;
  forks: number;
  commands: number;
}

interface Sample {
  wallS: number;
  /** Largest max RSS of one process, MiB. */
  maxRssMiB: number;
  /** Sum of the max RSS of the processes that run at once, MiB. */
  sumRssMiB: number;
}

const MOVER_ENV = {
  PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
  CURL_CA_BUNDLE: tls.ca,
  // the resident mover's OpenSSL reads the same CA
  SSL_CERT_FILE: tls.ca,
};
function cliEnv(): NodeJS.ProcessEnv {
  const c = credentialsOf("gw-a");
  return {
    PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: work,
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
    AWS_SESSION_TOKEN: c.sessionToken,
    AWS_DEFAULT_REGION: REGION,
    AWS_CA_BUNDLE: tls.ca,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
  };
}
const cliArgs = (tableId: string, cidr: string) => [
  "ec2",
  "replace-route",
  "--endpoint-url",
  `https://ec2.${REGION}.amazonaws.com`,
  "--route-table-id",
  tableId,
  "--destination-cidr-block",
  cidr,
  "--network-interface-id",
  ENI.a,
];

let outputs = 0;
/** Runs the commands at once, each under GNU time; resolves when the last has exited. */
async function timed(
  commands: { cmd: string; args: string[]; env: NodeJS.ProcessEnv }[],
): Promise<Sample> {
  const started = process.hrtime.bigint();
  const rss = await Promise.all(
    commands.map(
      (c) =>
        new Promise<number>((resolve, reject) => {
          const out = path.join(work, `time-${outputs++}`);
          const child = spawn("/usr/bin/time", ["-f", "%M %x", "-o", out, c.cmd, ...c.args], {
            env: c.env,
            stdio: "ignore",
          });
          child.on("exit", () => {
            const [kib, status] = fs.readFileSync(out, "utf8").trim().split(/\s+/).slice(-2);
            if (status !== "0") reject(new Error(`${c.cmd} ${c.args.join(" ")} exited ${status}`));
            resolve(Number(kib) / 1024);
          });
        }),
    ),
  );
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  return { wallS, maxRssMiB: Math.max(...rss), sumRssMiB: rss.reduce((a, b) => a + b, 0) };
}

/**
 * Programs started (successful execve, the commands themselves included) and all forks, counted by
 * strace over the commands run at once (in separate runs from the timed ones: strace slows them).
 */
async function processes(
  commands: { cmd: string; args: string[]; env: NodeJS.ProcessEnv }[],
): Promise<Counts> {
  const outs = await Promise.all(
    commands.map(
      (c) =>
        new Promise<string>((resolve) => {
          const out = path.join(work, `strace-${outputs++}`);
          const args = ["-f", "-qq", "-e", "trace=execve,clone,clone3,fork,vfork", "-o", out];
          spawn("strace", [...args, c.cmd, ...c.args], { env: c.env, stdio: "ignore" }).on(
            "exit",
            () => resolve(fs.readFileSync(out, "utf8")),
          );
        }),
    ),
  );
  let execs = 0;
  let forks = 0;
  for (const line of outs.join("\n").split("\n")) {
    if (/ execve\(/.test(line) && !/= -1 /.test(line)) execs++;
    // a thread is no process; a call strace splits shows its flags on the first line only
    if (/ (clone3?|v?fork)\(/.test(line) && !/CLONE_THREAD|resumed>|= -1 /.test(line)) forks++;
  }
  return { execs, forks, commands: commands.length };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function clearCache(runDir: string): void {
  for (const f of ["identity", "credentials", "peer-eni"])
    fs.rmSync(path.join(runDir, f), { force: true });
}

async function costRows(o: Options) {
  const rows: Record<string, unknown>[] = [];
  for (const c of CASES) {
    const runDir = path.join(work, `run-${c.routes}`);
    const mover = [{ cmd: "bash", args: [c.script], env: { ...MOVER_ENV, VIG_RUN_DIR: runDir } }];
    for (const cache of ["cold", "warm"] as const) {
      const samples: Sample[] = [];
      const counts: Counts[] = [];
      for (let i = 0; i < o.runs; i++) {
        if (cache === "cold") clearCache(runDir);
        else await timed(mover);
        samples.push(await timed(mover));
        if (cache === "cold") clearCache(runDir);
        counts.push(await processes(mover));
      }
      rows.push(row(`mover, ${cache} cache`, c.routes, samples, counts));
    }
    if (o.skipCli) continue;
    const cli = c.tables.flatMap((t) =>
      c.cidrs.map((cidr) => ({ cmd: AWS, args: cliArgs(t, cidr), env: cliEnv() })),
    );
    const samples: Sample[] = [];
    const counts: Counts[] = [];
    for (let i = 0; i < o.runs; i++) {
      samples.push(await timed(cli));
      counts.push(await processes(cli));
    }
    rows.push(row("aws CLI v2, one process per route", c.routes, samples, counts));
  }
  return rows;
}

function row(
  what: string,
  routes: number,
  samples: Sample[],
  counts: Counts[],
): Record<string, unknown> {
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    what,
    routes,
    runs: samples.length,
    wallS: r(median(samples.map((s) => s.wallS))),
    maxRssMiB: r(median(samples.map((s) => s.maxRssMiB))),
    sumRssMiB: r(median(samples.map((s) => s.sumRssMiB))),
    programsStarted: median(counts.map((c) => c.execs)),
    // every program but the commands themselves was started in a fork
    forksWithoutExec: median(counts.map((c) => c.forks - (c.execs - c.commands))),
  };
}

/** 100 stacks x 3 routes, all movers at once, one shared bucket: when does the last route arrive? */
async function throttleRun(o: Options, standin: Standin) {
  const placeholder = /PLACEHOLDER=(\S+)/.exec(fs.readFileSync(STACKS[0].script, "utf8"))?.[1];
  // VRRP's placeholder address, on the link where the mover looks for it (a bridge where the
  // kernel has no dummy links)
  const ip = (...args: string[]) => spawnSync("ip", args, { stdio: "ignore" }).status === 0;
  if (
    !ip("link", "add", "vig-vrrp", "type", "dummy") &&
    !ip("link", "add", "vig-vrrp", "type", "bridge")
  )
    throw new Error("cannot add the link vig-vrrp");
  if (!ip("addr", "add", `${placeholder}/32`, "dev", "vig-vrrp"))
    throw new Error("cannot add the placeholder");
  const runDir = (s: number) => path.join(work, `stack-run-${s}`);
  // each stack's cache warmed as keepalived's start does (IMDS only; no EC2 token spent)
  await Promise.all(
    STACKS.map((st, s) =>
      timed([
        { cmd: "bash", args: [st.script, "--warm"], env: { ...MOVER_ENV, VIG_RUN_DIR: runDir(s) } },
      ]),
    ),
  );
  const before = standin.calls().length;
  const start = Date.now() / 1000;
  const all = await timed(
    STACKS.map((st, s) => ({
      cmd: "bash",
      args: [st.script],
      env: { ...MOVER_ENV, VIG_RUN_DIR: runDir(s) },
    })),
  );
  const calls = standin.calls().slice(before);
  const arrived = calls.filter(
    (c) => (c.action === "ReplaceRoute" || c.action === "CreateRoute") && c.status === 200,
  );
  const routes = new Set(arrived.filter((c) => c.eni === ENI.a).map((c) => `${c.table} ${c.cidr}`));
  const total = THROTTLE.stacks * THROTTLE.tablesPerStack;
  const lastS = Math.max(...arrived.map((c) => c.t)) - start;
  const limitS = (total - THROTTLE.bucket) / THROTTLE.refill;
  return {
    movers: THROTTLE.stacks,
    routes: total,
    arrived: routes.size,
    bucket: `${THROTTLE.bucket}, refill ${THROTTLE.refill}/s`,
    throttled: calls.filter((c) => c.status === 503).length,
    lastRouteS: Math.round(lastS * 100) / 100,
    bucketLimitS: limitS,
    ratio: Math.round((lastS / limitS) * 1000) / 1000,
    allMoversDoneS: Math.round(all.wallS * 100) / 100,
    latencyMs: o.latencyMs,
  };
}

function machine() {
  const cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1];
  const version = (cmd: string, args: string[]) =>
    spawnSync(cmd, args, { encoding: "utf8" }).stdout.split("\n")[0];
  return {
    nproc: os.cpus().length,
    cpu,
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: os.release(),
    curl: version("curl", ["--version"]),
    bash: version("bash", ["--version"]),
    // absent with --skip-cli on a host without the CLI
    aws: (spawnSync(AWS, ["--version"], { encoding: "utf8" }).stdout ?? "").trim(),
    python3: version("python3", ["--version"]),
  };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const result: Record<string, unknown> = {
    machine: machine(),
    standIn: `EC2 and IMDS stand-in (lab/aws-standin) on loopback in a private namespace, TLS, ${o.latencyMs} ms per EC2 call (uniform +-50 %)`,
  };
  if (!o.skipCli && !/^aws-cli\/2\./.test(String((result.machine as { aws: string }).aws)))
    throw new Error(`${AWS} is not the aws CLI v2 (apt-get install awscli on Debian 12)`);
  const lat = ["--latency-ms", String(o.latencyMs)];
  const roomy = new Standin("cost", [...lat, "--bucket", "1000000", "--refill", "1000000"]);
  await roomy.start();
  try {
    result.cost = await costRows(o);
    // the same cases with the resident mover, against the same stand-in, in the same run
    result.resident = await residentRows(
      work,
      MOVER_ENV,
      CASES.map((c) => ({ routes: c.routes, context: caseContext(c.tables, c.cidrs) })),
      () => roomy.calls(),
      o.runs,
      o.idleS,
    );
  } finally {
    roomy.stop();
  }
  if (!o.skipThrottle) {
    await new Promise((r) => setTimeout(r, 300));
    const bucket = ["--bucket", String(THROTTLE.bucket), "--refill", String(THROTTLE.refill)];
    const throttled = new Standin("throttle", [...lat, ...bucket]);
    await throttled.start();
    try {
      result.throttle = await throttleRun(o, throttled);
    } finally {
      throttled.stop();
    }
  }
  print(result);
  if (o.json) fs.writeFileSync(o.json, `${JSON.stringify(result, null, 2)}\n`);
  fs.rmSync(work, { recursive: true, force: true });
}

function print(result: Record<string, unknown>): void {
  const cost = (result.cost ?? []) as Record<string, string | number>[];
  const head = [
    "what",
    "routes",
    "wallS",
    "maxRssMiB",
    "sumRssMiB",
    "programsStarted",
    "forksWithoutExec",
  ];
  console.log(`| ${head.join(" | ")} |\n|${head.map(() => " --- |").join("")}`);
  for (const r of cost) console.log(`| ${head.map((h) => r[h]).join(" | ")} |`);
  const resident = (result.resident ?? []) as Record<string, string | number>[];
  const after = [
    "routes",
    "wallS",
    "processesStarted",
    "forks",
    "rssIdleMiB",
    "bytesAdded",
    "idleCpuPercent",
    "spareRssMiB",
    "spareIdleCpuPercent",
  ];
  console.log(`\nresident mover\n| ${after.join(" | ")} |\n|${after.map(() => " --- |").join("")}`);
  for (const r of resident) console.log(`| ${after.map((h) => r[h]).join(" | ")} |`);
  console.log(JSON.stringify(result, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
