/**
 * The Python stand-in's CloudWatch side (lab/aws-standin/aws_standin.py --monitoring), the one the
 * data-plane lab's gateways publish to: real https with the lab CA, SigV4 for service "monitoring"
 * checked, CloudWatch's Query error shapes, Throttling, and every call logged with its form body,
 * which the project's own parser (src/gateway/metrics.ts) reads back. Driven with the real curl.
 */
import assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseMetricsLog } from "../../lab/day-two";
import { makeTlsFiles, monitoringHostname, TlsFiles } from "../../lab/tls";
import {
  METRICS_NAMESPACE,
  parsePutMetricDataBody,
  putMetricDataBody,
  transitionData,
} from "../../src/gateway/metrics";
import { STANDIN } from "../support/aws-standin";

const REGION = "ap-northeast-1";
const HOST = monitoringHostname(REGION);
const KEY = {
  id: "ASIALABTESTKEY000001",
  secret: "bGFiLXRlc3Qtc2VjcmV0LW5vdC1yZWFs",
  token: "dG9rZW4",
};

describe("lab stand-in: CloudWatch PutMetricData (Python, for the guest)", function () {
  this.timeout(30000);
  let dir: string;
  let tls: TlsFiles;
  let child: ChildProcess;
  let port: number;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-cw-"));
    tls = makeTlsFiles(dir, `ec2.${REGION}.amazonaws.com`, HOST);
    const state = {
      region: REGION,
      accountId: "123456789012",
      vpcId: "vpc-0123",
      vpcCidrs: ["10.0.0.0/16"],
      routeTables: {},
      routes: {},
      gateways: [
        {
          name: "gw-a",
          sourceIp: "127.0.0.1",
          privateIp: "10.0.1.10",
          eni: "eni-a",
          mac: "02:00:00:00:00:0a",
          instanceId: "i-a",
          role: "lab-role",
          link: "gw-a",
          accessKeyId: KEY.id,
          secretAccessKey: KEY.secret,
          sessionToken: KEY.token,
        },
      ],
    };
    fs.writeFileSync(path.join(dir, "state.json"), JSON.stringify(state), { mode: 0o600 });
    child = spawn("python3", [
      STANDIN,
      "--state",
      path.join(dir, "state.json"),
      "--monitoring",
      "127.0.0.1:0",
      "--tls-cert",
      tls.cert,
      "--tls-key",
      tls.key,
      "--metrics-log",
      path.join(dir, "metrics.jsonl"),
      // a low quota so that two calls in a row find its edge
      "--metrics-tps",
      "1",
    ]);
    port = await new Promise<number>((resolve, reject) => {
      child.stdout?.once("data", (d: Buffer) => resolve(JSON.parse(d.toString()).monitoring));
      child.once("exit", (code) => reject(new Error(`stand-in exited ${code}`)));
    });
  });
  after(() => child.kill());

  /** One signed POST with the real curl; the secret goes in a config on stdin. */
  function put(body: string, o: { secret?: string; service?: string } = {}) {
    const config = [
      `url = "https://${HOST}/"`,
      `connect-to = "${HOST}:443:127.0.0.1:${port}"`,
      `cacert = "${tls.ca}"`,
      `aws-sigv4 = "aws:amz:${REGION}:${o.service ?? "monitoring"}"`,
      `user = "${KEY.id}:${o.secret ?? KEY.secret}"`,
      `header = "X-Amz-Security-Token: ${KEY.token}"`,
      `data = "${body}"`,
      'write-out = "\\n%{http_code}"',
      "silent",
    ].join("\n");
    const r = spawnSync("curl", ["-K", "-"], { input: config, encoding: "utf8" });
    const text = r.stdout;
    return { status: Number(text.slice(text.lastIndexOf("\n") + 1)), xml: text };
  }

  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const data = transitionData({ site: "osaka", gateway: "gw-a" }, "MASTER", Date.now() / 1000);

  it("takes a signed PutMetricData and logs its body, which the project's parser reads back", async () => {
    await wait(1100);
    const r = put(putMetricDataBody(METRICS_NAMESPACE, data));
    assert.equal(r.status, 200, r.xml);
    assert.match(
      r.xml,
      /<PutMetricDataResponse xmlns="http:\/\/monitoring\.amazonaws\.com\/doc\/2010-08-01\/">/,
    );
    const calls = parseMetricsLog(
      fs.readFileSync(path.join(dir, "metrics.jsonl"), "utf8").trim().split("\n"),
    );
    const last = calls[calls.length - 1];
    assert.deepEqual([last.caller, last.status], ["gw-a", 200]);
    assert.deepEqual(parsePutMetricDataBody(last.body).data, data);
    assert.ok(!last.body.includes(KEY.secret) && !JSON.stringify(last).includes(KEY.secret));
  });

  it("answers CloudWatch's Query errors: a wrong secret, EC2's scope, an AWS/ namespace, throttling", async () => {
    await wait(1100);
    const wrong = put(putMetricDataBody(METRICS_NAMESPACE, data), { secret: `${KEY.secret}x` });
    assert.equal(wrong.status, 403);
    assert.match(
      wrong.xml,
      /<ErrorResponse [^>]*>\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>SignatureDoesNotMatch<\/Code>/,
    );
    const scope = put(putMetricDataBody(METRICS_NAMESPACE, data), { service: "ec2" });
    assert.equal(scope.status, 403);
    assert.match(scope.xml, /Credential should be scoped to correct service: 'monitoring'/);
    await wait(1100);
    const reserved = put(putMetricDataBody("AWS/EC2", data));
    assert.equal(reserved.status, 400);
    assert.match(reserved.xml, /<Code>InvalidParameterValue<\/Code>/);
    await wait(1100);
    const first = put(putMetricDataBody(METRICS_NAMESPACE, data));
    const second = put(putMetricDataBody(METRICS_NAMESPACE, data));
    assert.equal(first.status, 200);
    assert.equal(second.status, 400);
    assert.match(second.xml, /<Code>Throttling<\/Code>\s*<Message>Rate exceeded<\/Message>/);
  });
});
