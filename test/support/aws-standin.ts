/**
 * Runs lab/aws-standin/aws_standin.py (EC2 Query API + IMDSv2 stand-in) on loopback for tests and the
 * benchmark, with a throwaway CA whose certificate names ec2.<region>.amazonaws.com, and a curl
 * wrapper that routes the mover's real curl to it (the rendered script stays unchanged).
 */

import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ec2Hostname, makeTlsFiles, TlsFiles } from "../../lab/tls";

export const STANDIN = path.resolve(__dirname, "../../lab/aws-standin/aws_standin.py");
export const REGION = "ap-northeast-1";

export interface StandinGateway {
  name: string;
  sourceIp: string;
  eni: string;
  privateIp: string;
  running?: boolean;
}

export interface StandinOptions {
  gateways: StandinGateway[];
  routeTables: string[];
  /** table -> cidr -> eni at start. */
  routes?: Record<string, Record<string, string>>;
  bucket?: number;
  refill?: number;
  latencyMs?: number;
  /** More service time for the read-only calls (Describe*), in ms. */
  readLatencyMs?: number;
  /** Lifetime of the role credentials IMDS serves, in seconds (default 6 h). */
  credentialTtlS?: number;
}

export interface LoggedCall {
  caller: string | null;
  action: string;
  table?: string;
  cidr?: string;
  eni?: string;
  status: number;
  code: string | null;
  moved: boolean;
  t: number;
}

export interface ImdsCall {
  imds: string;
  method: string;
  caller: string | null;
  status: number;
  t: number;
}

/**
 * Credentials the stand-in's IMDS serves each gateway (tests look for them in logs and argv): the
 * first ones, and those of a later generation (after IMDS rotated them), derived as the stand-in does.
 */
/** A gateway as the stand-in's state file describes it: its identity, role and credentials. */
export function standinGateway<G extends { name: string; eni: string }>(
  g: G,
  index: number,
  role: string,
) {
  return {
    ...g,
    mac: `02:00:5e:00:00:0${index + 1}`,
    instanceId: `i-0${g.eni.slice(5)}`,
    role,
    ...credentialsOf(g.name),
  };
}

export function credentialsOf(name: string, generation = 0) {
  const first = {
    accessKeyId: `ASIA${name.replace(/\W/g, "").toUpperCase().padEnd(16, "X")}`,
    secretAccessKey: `secret/${name}+wJalrXUtnFEMIK7MDENGbPxRfiCY`,
    sessionToken: `IQoJb3JpZ2luX2VjE${name}//session+token==`,
  };
  if (generation === 0) return first;
  const suffix = String(generation).padStart(4, "0");
  return {
    accessKeyId: first.accessKeyId.slice(0, 16) + suffix,
    secretAccessKey: `${first.secretAccessKey}/${generation}`,
    sessionToken: first.sessionToken + suffix,
  };
}

export class AwsStandin {
  readonly dir: string;
  readonly logFile: string;
  readonly tls: TlsFiles;
  ec2Port = 0;
  imdsPort = 0;
  private child?: ChildProcess;

  constructor(private readonly options: StandinOptions) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "vig-aws-"));
    this.logFile = path.join(this.dir, "calls.jsonl");
    this.tls = makeTlsFiles(this.dir, ec2Hostname(REGION));
  }

  async start(): Promise<void> {
    const state = {
      region: REGION,
      accountId: "123456789012",
      vpcId: "vpc-0abc1234",
      vpcCidrs: ["10.0.0.0/16"],
      routeTables: Object.fromEntries(this.options.routeTables.map((t) => [t, null])),
      routes: this.options.routes ?? {},
      gateways: this.options.gateways.map((g, i) =>
        standinGateway(g, i, "vpc-ipip6-gateway-test-role"),
      ),
    };
    const stateFile = path.join(this.dir, "state.json");
    fs.writeFileSync(stateFile, JSON.stringify(state));
    const o = this.options;
    this.child = spawn(
      "python3",
      [
        STANDIN,
        "--state",
        stateFile,
        "--ec2",
        "127.0.0.1:0",
        "--imds",
        "127.0.0.1:0",
        "--tls-cert",
        this.tls.cert,
        "--tls-key",
        this.tls.key,
        "--log",
        this.logFile,
        "--bucket",
        String(o.bucket ?? 50),
        "--refill",
        String(o.refill ?? 5),
        "--latency-ms",
        String(o.latencyMs ?? 0),
        "--read-latency-ms",
        String(o.readLatencyMs ?? 0),
        "--credential-ttl",
        String(o.credentialTtlS ?? 6 * 3600),
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    const ports = await new Promise<{ ec2: number; imds: number }>((resolve, reject) => {
      this.child?.stdout?.once("data", (d: Buffer) => resolve(JSON.parse(d.toString())));
      this.child?.once("exit", (code) => reject(new Error(`stand-in exited ${code}`)));
    });
    this.ec2Port = ports.ec2;
    this.imdsPort = ports.imds;
  }

  stop(): void {
    this.child?.kill();
  }

  /** Moves the stand-in's clock (credential expiry, SigV4 dates) on by this many seconds. */
  async advanceClock(seconds: number): Promise<void> {
    const answered = new Promise<void>((resolve) =>
      this.child?.stdout?.once("data", () => resolve()),
    );
    this.child?.stdin?.write(`advance ${seconds}\n`);
    await answered;
  }

  /** Changes a route as the console would (eni "-": deletes it), behind the gateways' backs. */
  async setRoute(table: string, cidr: string, eni: string): Promise<void> {
    const answered = new Promise<void>((resolve) =>
      this.child?.stdout?.once("data", () => resolve()),
    );
    this.child?.stdin?.write(`route ${table} ${cidr} ${eni}\n`);
    await answered;
  }

  private logged(): Record<string, unknown>[] {
    if (!fs.existsSync(this.logFile)) return [];
    return fs
      .readFileSync(this.logFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** The EC2 API calls, in order. */
  calls(): LoggedCall[] {
    return this.logged().filter((e) => !("imds" in e)) as unknown as LoggedCall[];
  }

  /** The instance metadata requests, in order. */
  imdsCalls(): ImdsCall[] {
    return this.logged().filter((e) => "imds" in e) as unknown as ImdsCall[];
  }

  /**
   * A bin dir with a `curl` that runs the real one against this stand-in: every transfer of a -K
   * config (each `next` block) gets the same --connect-to, as a resolver would give. It records its
   * argv (which must never hold a secret) in curl.argv, one line per curl process, with "(config:
   * ec2)" or "(config: imds)" after the argv of one that read its transfers from stdin.
   */
  curlWrapper(binDir: string, sourceIp: string): void {
    const connect = [
      `ec2.${REGION}.amazonaws.com:443:127.0.0.1:${this.ec2Port}`,
      `169.254.169.254:80:127.0.0.1:${this.imdsPort}`,
    ];
    const lines = connect.map((c) => `connect-to = "${c}"`).join("\\n");
    fs.writeFileSync(
      path.join(binDir, "curl"),
      `#!/bin/bash
export CURL_CA_BUNDLE=${this.tls.ca}
opts=(--interface ${sourceIp}${connect.map((c) => ` --connect-to ${c}`).join("")})
for a in "$@"; do
  if [ "$a" = "-K" ]; then
    config=$(cat)
    kind=
    [[ $config == *amazonaws.com* ]] && kind+=" ec2"
    [[ $config == *169.254.169.254* ]] && kind+=" imds"
    printf '%s (config:%s)\\n' "$*" "$kind" >> "${binDir}/curl.argv"
    exec /usr/bin/curl "\${opts[@]}" "$@" < <(printf '${lines}\\ninterface = "${sourceIp}"\\n'; printf '%s\\n' "$config" | sed 's/^next$/next\\n${lines.replace(/\//g, "\\/")}\\ninterface = "${sourceIp}"/')
  fi
done
printf '%s\\n' "$*" >> "${binDir}/curl.argv"
exec /usr/bin/curl "\${opts[@]}" "$@"
`,
      { mode: 0o755 },
    );
  }
}
