import assert from "node:assert/strict";
import { spawn, spawnSync } from "child_process";
import * as http from "http";
import { AddressInfo } from "net";
import { parseRequestText } from "../support/http-text";
import {
  canonicalRequest,
  HttpRequestData,
  SigningCredentials,
  stringToSign,
  verifySigV4,
} from "../support/sigv4";
import { SUITE_CASES, SUITE_CREDENTIALS, SUITE_TIME } from "../support/sigv4-vectors";

/**
 * The independent SigV4 verifier against AWS's published Signature Version 4 test suite, then
 * against the host's real curl --aws-sigv4 (what the gateways' route mover signs with).
 */

const signedHeadersOf = (r: HttpRequestData) =>
  /SignedHeaders=([^,]+)/
    .exec(r.headers.find(([n]) => n.toLowerCase() === "authorization")?.[1] ?? "")?.[1]
    .split(";") ?? [];

function lookupFor(credentials: SigningCredentials) {
  return (id: string) => (id === credentials.accessKeyId ? credentials : undefined);
}

/** The request with one byte of its body (or, when it has none, of its Host header) changed. */
function oneByteChanged(r: HttpRequestData): HttpRequestData {
  if (r.body.length > 0) {
    const body = Buffer.from(r.body);
    body[body.length - 1] ^= 1;
    return { ...r, body };
  }
  const headers = r.headers.map(([n, v]): [string, string] =>
    n.toLowerCase() === "host"
      ? [n, v.replace(/.$/, (ch) => String.fromCharCode(ch.charCodeAt(0) ^ 1))]
      : [n, v],
  );
  return { ...r, headers };
}

describe("SigV4 verifier: AWS Signature Version 4 test suite", () => {
  for (const c of SUITE_CASES) {
    const credentials = { ...SUITE_CREDENTIALS, sessionToken: c.sessionToken };
    const request = parseRequestText(c.signedRequest);
    const options = { now: SUITE_TIME, region: "us-east-1", service: "service" };

    it(`${c.name}: canonical request and string to sign as published; the signature verifies`, () => {
      const creq = canonicalRequest(request, signedHeadersOf(request));
      assert.equal(creq, c.canonicalRequest);
      assert.equal(
        stringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", creq),
        c.stringToSign,
      );
      assert.deepEqual(verifySigV4(request, lookupFor(credentials), options), {
        ok: true,
        accessKeyId: "AKIDEXAMPLE",
        region: "us-east-1",
        service: "service",
      });
    });

    it(`${c.name}: one byte changed, a wrong secret or a stale clock is refused`, () => {
      const changed = verifySigV4(oneByteChanged(request), lookupFor(credentials), options);
      assert.equal(changed.ok, false);
      const wrongKey = {
        ...credentials,
        secretAccessKey: credentials.secretAccessKey.replace(/.$/, "X"),
      };
      const wrong = verifySigV4(request, lookupFor(wrongKey), options);
      assert.equal(wrong.ok || wrong.code, "SignatureDoesNotMatch");
      const late = verifySigV4(request, lookupFor(credentials), {
        ...options,
        now: new Date(SUITE_TIME.getTime() + 16 * 60 * 1000),
      });
      assert.equal(late.ok || late.code, "RequestExpired");
    });
  }

  it("post-sts-header-before: temporary credentials without their token are refused", () => {
    const c = SUITE_CASES.find((s) => s.name === "post-sts-header-before");
    assert.ok(c?.sessionToken);
    const request = parseRequestText(c.signedRequest);
    const noToken = {
      ...request,
      headers: request.headers.filter(([n]) => n.toLowerCase() !== "x-amz-security-token"),
    };
    const verdict = verifySigV4(
      noToken,
      lookupFor({ ...SUITE_CREDENTIALS, sessionToken: c.sessionToken }),
      {
        now: SUITE_TIME,
      },
    );
    assert.equal(verdict.ok || verdict.code, "AuthFailure");
  });
});

describe("SigV4 verifier: the host's real curl --aws-sigv4 (EC2 Query API form)", function () {
  this.timeout(20000);
  const credentials: SigningCredentials = {
    accessKeyId: "ASIAEXAMPLEEXAMPLE01",
    secretAccessKey: "k7MDENG/bPxRfiCYEXAMPLEKEY+wJalrXUtnFEMI",
    sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE//token+with/slashes==",
  };
  let server: http.Server;
  let port = 0;
  const received: HttpRequestData[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const headers: [string, string][] = [];
        for (let i = 0; i < req.rawHeaders.length; i += 2)
          headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
        received.push({
          method: req.method ?? "",
          target: req.url ?? "",
          headers,
          body: Buffer.concat(chunks),
        });
        res.end("<ok/>");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  /** One curl run, secrets on stdin (-K -) as the mover passes them; returns what arrived. */
  function curlSigned(withToken: boolean): Promise<HttpRequestData> {
    received.length = 0;
    const config = [
      `url = "http://127.0.0.1:${port}/"`,
      'aws-sigv4 = "aws:amz:ap-northeast-1:ec2"',
      `user = "${credentials.accessKeyId}:${credentials.secretAccessKey}"`,
      ...(withToken ? [`header = "x-amz-security-token: ${credentials.sessionToken}"`] : []),
      'data = "Action=ReplaceRoute&Version=2016-11-15&RouteTableId=rtb-0aaa1111&DestinationCidrBlock=192.168.10.0%2F24&NetworkInterfaceId=eni-0123456789abcdef0"',
      "silent",
      'output = "/dev/null"',
    ].join("\n");
    return new Promise((resolve, reject) => {
      // spawnSync would block the event loop the server answers on.
      const child = spawn("curl", ["-K", "-"], {
        stdio: ["pipe", "ignore", "inherit"],
      });
      child.stdin.end(config);
      child.on("exit", (code) =>
        code === 0 && received.length === 1
          ? resolve(received[0])
          : reject(new Error(`curl exited ${code}`)),
      );
    });
  }

  it("curl is there (Debian's curl >= 7.75 has --aws-sigv4)", () => {
    const version = spawnSync("curl", ["--version"], { encoding: "utf8" }).stdout;
    assert.match(version, /^curl (\d+)\.(\d+)/);
  });

  it("accepts curl's signed ReplaceRoute with the session token, as region ap-northeast-1 / ec2", async () => {
    const request = await curlSigned(true);
    const verdict = verifySigV4(request, lookupFor(credentials), {
      now: new Date(),
      region: "ap-northeast-1",
      service: "ec2",
    });
    assert.deepEqual(verdict, {
      ok: true,
      accessKeyId: credentials.accessKeyId,
      region: "ap-northeast-1",
      service: "ec2",
    });
    assert.ok(signedHeadersOf(request).includes("x-amz-security-token"));
  });

  it("refuses curl's request with one byte changed, under a wrong key, or without the token", async () => {
    const request = await curlSigned(true);
    const now = new Date();
    const changed = verifySigV4(oneByteChanged(request), lookupFor(credentials), { now });
    assert.equal(changed.ok || changed.code, "SignatureDoesNotMatch");
    const wrong = verifySigV4(
      request,
      lookupFor({ ...credentials, secretAccessKey: "x" + credentials.secretAccessKey.slice(1) }),
      { now },
    );
    assert.equal(wrong.ok || wrong.code, "SignatureDoesNotMatch");
    const noToken = verifySigV4(await curlSigned(false), lookupFor(credentials), { now });
    assert.equal(noToken.ok || noToken.code, "AuthFailure");
  });
});
