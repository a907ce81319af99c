/**
 * The gateways' CloudWatch figures: the pure payload builder, and the rendered script run in bash
 * with the real curl against a loopback stand-in of IMDSv2 and CloudWatch that checks the SigV4
 * signature as AWS does (test/support/cloudwatch-standin.ts).
 */
import assert from "node:assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gatewayContext } from "../../src/gateway/context";
import {
  METRICS_NAMESPACE,
  parsePutMetricDataBody,
  periodicData,
  putMetricDataBody,
  transitionData,
} from "../../src/gateway/metrics";
import { PATHS } from "../../src/gateway/paths";
import { STATUS_FILE_NAME } from "../../src/gateway/prober";
import { renderGateway } from "../../src/gateway/render";
import { CloudWatchStandin } from "../support/cloudwatch-standin";
import { exampleConfig, REPO_ROOT } from "../support/stacks";

const config = exampleConfig("isatap");
const id = { site: "osaka", gateway: "gw-a" };
const FAKE_BIN = path.join(REPO_ROOT, "test", "support", "fake-bin");
const placeholder = gatewayContext(config, 0).vrrp.placeholder;

describe("gateway metrics: the PutMetricData payload (pure)", () => {
  it("builds the Query-protocol body and reads it back", () => {
    const data = periodicData(
      id,
      { state: "up", updatedAt: 1000, lossPercent: 2, rttAvgMs: 4.02 },
      true,
      1001,
    );
    const body = putMetricDataBody(METRICS_NAMESPACE, data);
    assert.match(
      body,
      /^Action=PutMetricData&Version=2010-08-01&Namespace=VpcIpip6Gateway&MetricData\.member\.1\.MetricName=TunnelUp&MetricData\.member\.1\.Dimensions\.member\.1\.Name=Site&MetricData\.member\.1\.Dimensions\.member\.1\.Value=osaka&/,
    );
    assert.match(body, /MetricData\.member\.1\.Timestamp=1970-01-01T00%3A16%3A41Z/);
    assert.deepEqual(parsePutMetricDataBody(body), { namespace: METRICS_NAMESPACE, data });
    assert.deepEqual(
      data.map((d) => [d.name, d.value, d.unit]),
      [
        ["TunnelUp", 1, "None"],
        ["TunnelLossPercent", 2, "Percent"],
        ["TunnelRttMs", 4.02, "Milliseconds"],
        ["IsMaster", 1, "None"],
      ],
    );
  });

  it("counts a stale or missing status file as a tunnel down, with no loss or RTT", () => {
    const stale = periodicData(
      id,
      { state: "up", updatedAt: 1000, lossPercent: 0, rttAvgMs: 3 },
      false,
      1016,
    );
    assert.deepEqual(
      stale.map((d) => [d.name, d.value]),
      [
        ["TunnelUp", 0],
        ["IsMaster", 0],
      ],
    );
    assert.deepEqual(
      periodicData(id, undefined, false, 5).map((d) => d.name),
      ["TunnelUp", "IsMaster"],
    );
  });

  it("a transition is one count with the new state as a dimension", () => {
    assert.deepEqual(transitionData(id, "MASTER", 1764316800.9), [
      {
        name: "VrrpTransition",
        dimensions: [
          ["Site", "osaka"],
          ["Gateway", "gw-a"],
          ["State", "MASTER"],
        ],
        value: 1,
        unit: "Count",
        timestamp: "2025-11-28T08:00:00Z",
      },
    ]);
  });
});

interface Run {
  code: number | null;
  journal: string;
  curlArgs: string;
}

describe("gateway metrics: the rendered script (bash, real curl, stand-in AWS)", function () {
  this.timeout(30000);
  let aws: CloudWatchStandin;
  let dir: string;

  beforeEach(async () => {
    aws = new CloudWatchStandin({ region: "ap-northeast-3", allowedNamespace: METRICS_NAMESPACE });
    await aws.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "metrics-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    // curl's arguments, logged before the real curl runs: where a secret must never appear.
    fs.writeFileSync(
      path.join(bin, "curl"),
      `#!/bin/bash\nprintf '%s\\n' "$*" >> "${dir}/curl-args"\nexec /usr/bin/curl "$@"\n`,
      { mode: 0o755 },
    );
    // iproute2's answer on the master: the placeholder on the vrrp link.
    fs.writeFileSync(
      path.join(bin, "ip"),
      `#!/bin/bash\necho "5: vig-vrrp: <BROADCAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc noqueue state UNKNOWN group default qlen 1000"\necho "    inet ${placeholder}/32 scope global vig-vrrp"\n`,
      { mode: 0o755 },
    );
  });
  afterEach(() => aws.stop());

  /** Runs the script without blocking: the stand-in answers from this same process. */
  async function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
    const script = path.join(dir, "metrics");
    fs.writeFileSync(script, renderGateway(config, 0).files[PATHS.metricsScript], { mode: 0o755 });
    const child = spawn("bash", [script, ...args], {
      env: {
        ...process.env,
        PATH: `${dir}/bin:${FAKE_BIN}:${process.env.PATH}`,
        PROBER_STATE_DIR: dir,
        LOGGER_FILE: path.join(dir, "journal"),
        METRICS_IMDS: `http://127.0.0.1:${aws.port}/latest`,
        METRICS_ENDPOINT: `http://127.0.0.1:${aws.port}/`,
        ...env,
      },
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const read = (f: string) =>
      fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : "";
    return { code, journal: read("journal") + stderr, curlArgs: read("curl-args") };
  }

  function writeProberStatus(updatedAt: number): void {
    fs.writeFileSync(
      path.join(dir, STATUS_FILE_NAME),
      `{"version": 1, "link": "tun0", "target": "192.168.10.1", "intervalMs": 200, "downAfter": 3, "upAfter": 5, "state": "up", "since": 1764316800.123456, "updatedAt": ${updatedAt}, "window": {"probes": 50, "lost": 1, "lossPercent": 2.0, "rttMs": {"min": 3.112, "avg": 4.020, "max": 9.870}}, "totals": {"replies": 57, "missed": 1, "late": 0}, "transitions": []}\n`,
    );
  }

  it("signs PutMetricData for the instance's region and sends the body the pure builder makes", async () => {
    writeProberStatus(Date.now() / 1000 - 1);
    const r = await run(["--periodic"]);
    assert.equal(r.code, 0, r.journal);
    assert.equal(aws.received.length, 1, `${aws.rejected.join(", ")} ${r.journal}`);
    const got = aws.received[0];
    const nowS = Date.parse(got.data[0].timestamp) / 1000;
    const expected = periodicData(
      id,
      { state: "up", updatedAt: nowS, lossPercent: 2, rttAvgMs: 4.02 },
      true,
      nowS,
    );
    assert.equal(got.body, putMetricDataBody(METRICS_NAMESPACE, expected));
    assert.ok(got.signedHeaders.includes("host") && got.signedHeaders.includes("x-amz-date"));
  });

  it("never puts the role's secret key or session token in a process's arguments", async () => {
    writeProberStatus(Date.now() / 1000 - 1);
    const r = await run(["--periodic"]);
    assert.equal(aws.received.length, 1);
    assert.ok(r.curlArgs.includes("--aws-sigv4 aws:amz:ap-northeast-3:monitoring"), r.curlArgs);
    assert.ok(!r.curlArgs.includes(aws.credentials.SecretAccessKey));
    assert.ok(!r.curlArgs.includes(aws.credentials.Token));
    assert.ok(!r.journal.includes(aws.credentials.SecretAccessKey));
  });

  it("sends a transition with the time keepalived reported it", async () => {
    const r = await run(["--transition", "MASTER", "1764316800.123456"]);
    assert.equal(r.code, 0, r.journal);
    assert.equal(
      aws.received[0].body,
      putMetricDataBody(METRICS_NAMESPACE, transitionData(id, "MASTER", 1764316800.123456)),
    );
  });

  it("drops the figures with a journal line and exits 0 when CloudWatch cannot be reached", async () => {
    writeProberStatus(Date.now() / 1000 - 1);
    const r = await run(["--periodic"], { METRICS_ENDPOINT: "http://127.0.0.1:9/" });
    assert.equal(r.code, 0);
    assert.match(r.journal, /metrics: CloudWatch did not take the minute's figures \(HTTP 000\)/);
  });

  it("says that IMDS gave no credentials, and which error CloudWatch answered", async () => {
    aws.noRole = true;
    const noRole = await run(["--periodic"]);
    assert.equal(noRole.code, 0);
    assert.match(
      noRole.journal,
      /IMDSv2\) or the role's credentials unreachable: the minute's figures not sent/,
    );
    const strict = new CloudWatchStandin({
      region: "ap-northeast-3",
      allowedNamespace: "SomethingElse",
    });
    await strict.start();
    try {
      const denied = await run(["--periodic"], {
        METRICS_ENDPOINT: `http://127.0.0.1:${strict.port}/`,
        METRICS_IMDS: `http://127.0.0.1:${strict.port}/latest`,
      });
      assert.equal(denied.code, 0);
      assert.deepEqual(strict.rejected, ["AccessDenied"]);
      assert.match(
        denied.journal,
        /CloudWatch did not take the minute's figures \(HTTP 403\): AccessDenied/,
      );
    } finally {
      await strict.stop();
    }
  });
});
