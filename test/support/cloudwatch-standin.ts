/**
 * One loopback HTTP server standing in for what the gateways' metrics script talks to:
 * - IMDSv2 (EC2 User Guide, "Use IMDSv2"): PUT /latest/api/token with
 *   X-aws-ec2-metadata-token-ttl-seconds returns a token; any GET without a valid token is 401;
 *   /latest/meta-data/iam/security-credentials/<role> returns the credentials document
 *   ("Code", "AccessKeyId", "SecretAccessKey", "Token", "Expiration", pretty-printed as EC2 does).
 * - CloudWatch's Query API (CloudWatch API Reference, PutMetricData; AWS General Reference,
 *   "Signature Version 4 signing process"): POST / with a form body, verified as AWS does: the
 *   SigV4 signature for service "monitoring" in the instance's region, the session token, a clock
 *   skew of at most 15 minutes, the namespace the role may write (IAM condition
 *   cloudwatch:namespace), at most 1000 data. Errors are the XML ErrorResponse AWS sends.
 */
import { createHash, createHmac, randomUUID } from "crypto";
import { createServer, IncomingMessage, Server, ServerResponse } from "http";
import { AddressInfo } from "net";
import { MetricDatum, parsePutMetricDataBody } from "../../src/gateway/metrics";

export interface StandinOptions {
  region: string;
  allowedNamespace: string;
  role?: string;
}

export interface Received {
  namespace: string;
  data: MetricDatum[];
  body: string;
  signedHeaders: string[];
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) =>
  createHmac("sha256", key).update(data).digest();

export class CloudWatchStandin {
  readonly credentials = {
    AccessKeyId: "ASIAEXAMPLESTANDIN01",
    SecretAccessKey: `standin/${randomUUID()}+secret`,
    Token: `IQoJb3JpZ2luX2VjE${randomUUID().replace(/-/g, "")}`,
  };
  readonly received: Received[] = [];
  readonly rejected: string[] = [];
  /** IMDS answers 404 for the credentials (an instance without a role). */
  noRole = false;
  private readonly tokens = new Set<string>();
  private server: Server | null = null;
  port = 0;

  constructor(private readonly options: StandinOptions) {}

  get role(): string {
    return this.options.role ?? "vpc-ipip6-gateway-osaka-gateway";
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => this.handle(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((r) => this.server?.listen(0, "127.0.0.1", r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const url = req.url ?? "";
    if (url.startsWith("/latest/")) return this.imds(req, res, url);
    if (req.method === "POST" && url === "/") return this.putMetricData(req, res, body);
    res.writeHead(404).end();
  }

  private imds(req: IncomingMessage, res: ServerResponse, url: string): void {
    if (url === "/latest/api/token" && req.method === "PUT") {
      if (!req.headers["x-aws-ec2-metadata-token-ttl-seconds"])
        return void res.writeHead(400).end();
      const token = randomUUID();
      this.tokens.add(token);
      return void res.writeHead(200).end(token);
    }
    if (!this.tokens.has(String(req.headers["x-aws-ec2-metadata-token"] ?? "")))
      return void res.writeHead(401).end();
    const path = url.replace("/latest/meta-data/", "");
    const c = this.credentials;
    const answers: Record<string, string> = {
      "placement/region": this.options.region,
      "services/domain": "amazonaws.com",
      "iam/security-credentials/": this.role,
      [`iam/security-credentials/${this.role}`]: [
        "{",
        '  "Code" : "Success",',
        '  "LastUpdated" : "2026-11-28T09:00:00Z",',
        '  "Type" : "AWS-HMAC",',
        `  "AccessKeyId" : "${c.AccessKeyId}",`,
        `  "SecretAccessKey" : "${c.SecretAccessKey}",`,
        `  "Token" : "${c.Token}",`,
        '  "Expiration" : "2026-11-28T15:00:00Z"',
        "}",
      ].join("\n"),
    };
    const answer = this.noRole && path.startsWith("iam/") ? undefined : answers[path];
    if (answer === undefined) return void res.writeHead(404).end();
    res.writeHead(200).end(answer);
  }

  private error(res: ServerResponse, status: number, code: string, message: string): void {
    this.rejected.push(code);
    res
      .writeHead(status, { "Content-Type": "text/xml" })
      .end(
        `<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${code}</Code>\n    <Message>${message}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`,
      );
  }

  private putMetricData(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const auth =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
        String(req.headers.authorization ?? ""),
      );
    if (!auth)
      return this.error(
        res,
        403,
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
      );
    const [, keyId, day, region, service, signedList, signature] = auth;
    const amzDate = String(req.headers["x-amz-date"] ?? "");
    if (keyId !== this.credentials.AccessKeyId)
      return this.error(
        res,
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
      );
    if (service !== "monitoring" || region !== this.options.region)
      return this.error(
        res,
        403,
        "SignatureDoesNotMatch",
        `Credential should be scoped to a valid region and service 'monitoring'.`,
      );
    const skew = Math.abs(
      Date.now() -
        Date.parse(
          amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"),
        ),
    );
    if (!(skew <= 15 * 60 * 1000))
      return this.error(res, 403, "SignatureDoesNotMatch", "Signature expired");
    if (req.headers["x-amz-security-token"] !== this.credentials.Token)
      return this.error(
        res,
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
      );
    const signed = signedList.split(";");
    const canonical = [
      "POST",
      "/",
      "",
      ...signed.map(
        (h) =>
          `${h}:${String(req.headers[h] ?? "")
            .trim()
            .replace(/\s+/g, " ")}`,
      ),
      "",
      signedList,
      sha256(body),
    ].join("\n");
    const scope = `${day}/${region}/${service}/aws4_request`;
    const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
    let key = hmac(`AWS4${this.credentials.SecretAccessKey}`, day);
    for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
    if (hmac(key, toSign).toString("hex") !== signature || !signed.includes("host"))
      return this.error(
        res,
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided.",
      );
    const text = body.toString("utf8");
    let parsed;
    try {
      parsed = parsePutMetricDataBody(text);
    } catch {
      return this.error(res, 400, "InvalidAction", "The action or operation requested is invalid.");
    }
    if (parsed.namespace !== this.options.allowedNamespace)
      return this.error(
        res,
        403,
        "AccessDenied",
        `User is not authorized to perform: cloudwatch:PutMetricData because no identity-based policy allows the cloudwatch:PutMetricData action`,
      );
    if (parsed.data.length === 0 || parsed.data.length > 1000)
      return this.error(
        res,
        400,
        "InvalidParameterValue",
        "The collection MetricData must not be empty or hold more than 1000 items.",
      );
    this.received.push({ ...parsed, body: text, signedHeaders: signed });
    res
      .writeHead(200, { "Content-Type": "text/xml" })
      .end(
        `<PutMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">\n  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n</PutMetricDataResponse>\n`,
      );
  }
}
