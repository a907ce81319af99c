import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { parseRequestText } from "../support/http-text";
import { AwsStandin, credentialsOf, REGION, STANDIN } from "../support/aws-standin";
import { SUITE_CASES, SUITE_CREDENTIALS } from "../support/sigv4-vectors";

/** The EC2/IMDS stand-in's own SigV4 check, its error shapes and its token bucket. */

function pythonVerdicts(cases: { request: string; secret: string; token?: string }[]): string[] {
  const input = JSON.stringify(cases.map((c) => ({ ...c, now: "2015-08-30T12:36:00Z" })));
  const r = spawnSync("python3", [STANDIN, "--check-vectors"], { input, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split("\n");
}

describe("EC2 stand-in: SigV4 check on AWS's published test suite", () => {
  it("accepts every suite case and refuses each with one byte changed or a wrong secret", () => {
    const secret = SUITE_CREDENTIALS.secretAccessKey;
    const good = SUITE_CASES.map((c) => ({
      request: c.signedRequest,
      secret,
      token: c.sessionToken,
    }));
    assert.deepEqual(pythonVerdicts(good), Array(good.length).fill("ok"));
    const changed = good.map((c) => {
      const r = parseRequestText(c.request);
      const host = r.headers.find(([n]) => n.toLowerCase() === "host")?.[1] ?? "";
      return {
        ...c,
        request: c.request.replace(`Host:${host}`, `Host:${host.replace(/.$/, "n")}`),
      };
    });
    assert.deepEqual(pythonVerdicts(changed), Array(good.length).fill("SignatureDoesNotMatch"));
    const wrong = good.map((c) => ({ ...c, secret: `${secret}x` }));
    assert.deepEqual(pythonVerdicts(wrong), Array(good.length).fill("SignatureDoesNotMatch"));
  });
});

describe("EC2 stand-in: answers as EC2 does", function () {
  this.timeout(30000);
  const standin = new AwsStandin({
    gateways: [
      { name: "gw-a", sourceIp: "127.0.0.1", eni: "eni-0aaaaaaaaaaaaaaa1", privateIp: "10.0.1.10" },
    ],
    routeTables: ["rtb-0aaa1111"],
    routes: { "rtb-0aaa1111": { "192.168.10.0/24": "eni-0aaaaaaaaaaaaaaa1" } },
    // EC2's capacity, with a slow refill so that the burst below finds the bucket's edge
    refill: 1,
  });
  before(() => standin.start());
  after(() => standin.stop());

  function transfer(body: string, secret: string): string {
    const c = credentialsOf("gw-a");
    return [
      `url = "https://ec2.${REGION}.amazonaws.com/"`,
      `connect-to = "ec2.${REGION}.amazonaws.com:443:127.0.0.1:${standin.ec2Port}"`,
      `cacert = "${standin.tls.ca}"`,
      `aws-sigv4 = "aws:amz:${REGION}:ec2"`,
      `user = "${c.accessKeyId}:${secret}"`,
      `header = "x-amz-security-token: ${c.sessionToken}"`,
      `data = "${body}"`,
      'write-out = "\\n%{http_code}"',
      "silent",
    ].join("\n");
  }

  function call(
    body: string,
    secret = credentialsOf("gw-a").secretAccessKey,
  ): { code: string; out: string } {
    const r = spawnSync("curl", ["-K", "-"], { input: transfer(body, secret), encoding: "utf8" });
    const lines = r.stdout.split("\n");
    return { code: lines.pop() ?? "", out: lines.join("\n") };
  }

  it("a wrong secret is 403 SignatureDoesNotMatch in Response/Errors/Error with a RequestID", () => {
    const r = call("Action=DescribeRouteTables&Version=2016-11-15", "wrong");
    assert.equal(r.code, "403");
    assert.match(
      r.out,
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>SignatureDoesNotMatch<\/Code><Message>The request signature we calculated does not match/,
    );
    assert.match(r.out, /<\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/);
  });

  it("CreateRoute on an existing route is RouteAlreadyExists; ReplaceRoute on a missing one says 'Use CreateRoute instead.'", () => {
    const create = call(
      "Action=CreateRoute&Version=2016-11-15&RouteTableId=rtb-0aaa1111&DestinationCidrBlock=192.168.10.0%2F24&NetworkInterfaceId=eni-0aaaaaaaaaaaaaaa1",
    );
    assert.match(
      create.out,
      /<Code>RouteAlreadyExists<\/Code><Message>The route identified by 192\.168\.10\.0\/24 already exists\.<\/Message>/,
    );
    const replace = call(
      "Action=ReplaceRoute&Version=2016-11-15&RouteTableId=rtb-0aaa1111&DestinationCidrBlock=192.168.20.0%2F24&NetworkInterfaceId=eni-0aaaaaaaaaaaaaaa1",
    );
    assert.equal(replace.code, "400");
    assert.match(
      replace.out,
      /<Code>InvalidParameterValue<\/Code><Message>There is no route defined for '192\.168\.20\.0\/24' in the route table\. Use CreateRoute instead\.<\/Message>/,
    );
  });

  it("the mutating bucket holds 50 tokens: a burst of 60 ReplaceRoutes gets 503 RequestLimitExceeded past them", () => {
    const before = standin.calls().length;
    for (let i = 0; i < 60; i++)
      call(
        "Action=ReplaceRoute&Version=2016-11-15&RouteTableId=rtb-0aaa1111&DestinationCidrBlock=192.168.10.0%2F24&NetworkInterfaceId=eni-0aaaaaaaaaaaaaaa1",
      );
    const burst = standin.calls().slice(before);
    const ok = burst.filter((c) => c.status === 200).length;
    // 50 less the earlier tests' calls, plus what refilled at 1/s while the burst ran
    assert.ok(ok >= 48 && ok < 58, `${ok} accepted`);
    assert.ok(
      burst.filter((c) => c.status === 503).every((c) => c.code === "RequestLimitExceeded"),
    );
  });
});

describe("EC2 stand-in: role credentials expire and IMDS rotates them first", function () {
  this.timeout(30000);
  const standin = new AwsStandin({
    gateways: [
      { name: "gw-a", sourceIp: "127.0.0.1", eni: "eni-0aaaaaaaaaaaaaaa1", privateIp: "10.0.1.10" },
    ],
    routeTables: ["rtb-0aaa1111"],
    credentialTtlS: 400,
  });
  before(() => standin.start());
  after(() => standin.stop());

  function imdsCredentials(): { AccessKeyId: string; Expiration: string } {
    const base = `http://127.0.0.1:${standin.imdsPort}/latest`;
    const curl = (args: string[]) =>
      spawnSync("curl", ["-sf", "--interface", "127.0.0.1", ...args], { encoding: "utf8" });
    const token = curl([
      "-X",
      "PUT",
      "-H",
      "X-aws-ec2-metadata-token-ttl-seconds: 60",
      `${base}/api/token`,
    ]);
    const doc = curl([
      "-H",
      `X-aws-ec2-metadata-token: ${token.stdout}`,
      `${base}/meta-data/iam/security-credentials/vpc-ipip6-gateway-test-role`,
    ]);
    assert.equal(doc.status, 0, doc.stderr);
    return JSON.parse(doc.stdout) as { AccessKeyId: string; Expiration: string };
  }

  function describeTables(generation: number): { code: string; out: string } {
    const c = credentialsOf("gw-a", generation);
    const config = [
      `url = "https://ec2.${REGION}.amazonaws.com/"`,
      `connect-to = "ec2.${REGION}.amazonaws.com:443:127.0.0.1:${standin.ec2Port}"`,
      `cacert = "${standin.tls.ca}"`,
      `aws-sigv4 = "aws:amz:${REGION}:ec2"`,
      `user = "${c.accessKeyId}:${c.secretAccessKey}"`,
      `header = "x-amz-security-token: ${c.sessionToken}"`,
      'data = "Action=DescribeRouteTables&Version=2016-11-15"',
      'write-out = "\\n%{http_code}"',
      "silent",
    ].join("\n");
    const r = spawnSync("curl", ["-K", "-"], { input: config, encoding: "utf8" });
    const lines = r.stdout.split("\n");
    return { code: lines.pop() ?? "", out: lines.join("\n") };
  }

  it("serves the same credentials until 5 min (here half the lifetime) before they expire, then new ones", async () => {
    const first = imdsCredentials();
    assert.equal(first.AccessKeyId, credentialsOf("gw-a").accessKeyId);
    await standin.advanceClock(150);
    assert.equal(imdsCredentials().AccessKeyId, first.AccessKeyId);
    await standin.advanceClock(60);
    const second = imdsCredentials();
    assert.equal(second.AccessKeyId, credentialsOf("gw-a", 1).accessKeyId);
    assert.ok(second.Expiration > first.Expiration);
  });

  it("EC2 takes the old credentials until their Expiration, then answers 400 RequestExpired 'Request has expired.'", async () => {
    assert.equal(describeTables(0).code, "200");
    await standin.advanceClock(200);
    const expired = describeTables(0);
    assert.equal(expired.code, "400");
    assert.match(
      expired.out,
      /<Code>RequestExpired<\/Code><Message>Request has expired\.<\/Message>/,
    );
    assert.equal(describeTables(1).code, "200");
  });
});
