/**
 * An independent AWS Signature Version 4 verifier, written from AWS's "Signature Version 4 signing
 * process" documentation (canonical request, string to sign, derived signing key). The gateways'
 * route mover signs with curl's --aws-sigv4; nothing in this repository reaches AWS, so this is
 * what tells a wrong signature before a failover does. Checked against the published AWS
 * Signature Version 4 test suite (test/support/sigv4-vectors.ts).
 */

import * as crypto from "crypto";

export interface HttpRequestData {
  method: string;
  /** Path and query exactly as sent on the request line. */
  target: string;
  /** Header lines in arrival order (names as sent). */
  headers: ReadonlyArray<[name: string, value: string]>;
  body: Buffer;
}

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Session token of temporary credentials: the request must carry it (x-amz-security-token). */
  sessionToken?: string;
}

export type Verdict =
  | { ok: true; accessKeyId: string; region: string; service: string }
  | { ok: false; code: string; message: string };

export interface VerifyOptions {
  /** The verifier's clock; requests more than 15 minutes away from it are refused, as AWS does. */
  now: Date;
  region?: string;
  service?: string;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const MAX_SKEW_MS = 15 * 60 * 1000;

const sha256Hex = (data: string | Buffer) => crypto.createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) =>
  crypto.createHmac("sha256", key).update(data, "utf8").digest();

/** RFC 3986 encoding: everything but unreserved characters, upper-case hex. */
export function uriEncode(text: string): string {
  return [...Buffer.from(text, "utf8")]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, "%20"));
  } catch {
    return text;
  }
}

/** The path with dot segments removed and each segment encoded (again, for services but S3). */
function canonicalUri(path: string): string {
  const out: string[] = [];
  for (const segment of path.split("/").slice(1)) {
    if (segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  // Segments are encoded twice (every service but S3): once on the wire, once more here.
  const joined = `/${out.map((s) => uriEncode(uriEncode(decode(s)))).join("/")}`;
  return joined.replace(/\/{2,}/g, "/");
}

function canonicalQuery(query: string): string {
  if (query === "") return "";
  return query
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const i = p.indexOf("=");
      const [k, v] = i < 0 ? [p, ""] : [p.slice(0, i), p.slice(i + 1)];
      return [uriEncode(decode(k)), uriEncode(decode(v))];
    })
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : 1) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

function headerValues(headers: HttpRequestData["headers"]): Map<string, string> {
  const byName = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), value.trim().replace(/ +/g, " ")]);
  }
  return new Map([...byName].map(([k, v]) => [k, v.join(",")]));
}

export function canonicalRequest(request: HttpRequestData, signedHeaders: string[]): string {
  const q = request.target.indexOf("?");
  const path = q < 0 ? request.target : request.target.slice(0, q);
  const query = q < 0 ? "" : request.target.slice(q + 1);
  const values = headerValues(request.headers);
  const payloadHash = values.get("x-amz-content-sha256") ?? sha256Hex(request.body);
  return [
    request.method,
    canonicalUri(path),
    canonicalQuery(query),
    ...signedHeaders.map((h) => `${h}:${values.get(h) ?? ""}`),
    "",
    signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
}

export function stringToSign(amzDate: string, scope: string, creq: string): string {
  return [ALGORITHM, amzDate, scope, sha256Hex(creq)].join("\n");
}

export function signatureOf(
  secret: string,
  scope: { date: string; region: string; service: string },
  toSign: string,
): string {
  const kDate = hmac(`AWS4${secret}`, scope.date);
  const kRegion = hmac(kDate, scope.region);
  const kService = hmac(kRegion, scope.service);
  const kSigning = hmac(kService, "aws4_request");
  return crypto.createHmac("sha256", kSigning).update(toSign, "utf8").digest("hex");
}

interface AuthorizationParts {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(header: string): AuthorizationParts | string {
  if (!header.startsWith(`${ALGORITHM} `)) return "Unsupported AWS 'algorithm'";
  const fields = new Map(
    header
      .slice(ALGORITHM.length + 1)
      .split(",")
      .map((f) => f.trim())
      .map((f) => [f.slice(0, f.indexOf("=")), f.slice(f.indexOf("=") + 1)]),
  );
  const credential = fields.get("Credential")?.split("/");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credential || credential.length !== 5 || credential[4] !== "aws4_request")
    return "Authorization header requires a valid 'Credential' parameter";
  if (!signedHeaders) return "Authorization header requires 'SignedHeaders' parameter";
  if (!signature) return "Authorization header requires 'Signature' parameter";
  const [accessKeyId, date, region, service] = credential;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

const fail = (code: string, message: string): Verdict => ({ ok: false, code, message });

/** Verifies a header-signed request; `lookup` knows the secret of each access key id. */
export function verifySigV4(
  request: HttpRequestData,
  lookup: (accessKeyId: string) => SigningCredentials | undefined,
  options: VerifyOptions,
): Verdict {
  const values = headerValues(request.headers);
  const authorization = values.get("authorization");
  if (!authorization)
    return fail("MissingAuthenticationToken", "Request is missing Authentication Token");
  const auth = parseAuthorization(authorization);
  if (typeof auth === "string") return fail("IncompleteSignature", auth);
  const amzDate = values.get("x-amz-date") ?? "";
  const when = parseAmzDate(amzDate);
  if (!when || amzDate.slice(0, 8) !== auth.date)
    return fail(
      "IncompleteSignature",
      "X-Amz-Date is missing or does not match the credential scope",
    );
  if (Math.abs(when.getTime() - options.now.getTime()) > MAX_SKEW_MS)
    return fail("RequestExpired", "Request has expired.");
  if (!auth.signedHeaders.includes("host") || !auth.signedHeaders.includes("x-amz-date"))
    return fail("IncompleteSignature", "The host and x-amz-date headers must be signed");
  if (
    (options.region && auth.region !== options.region) ||
    (options.service && auth.service !== options.service)
  )
    return fail("AuthFailure", "Credential should be scoped to a valid region and service.");
  const credentials = lookup(auth.accessKeyId);
  if (!credentials)
    return fail("AuthFailure", "AWS was not able to validate the provided access credentials");
  const token = values.get("x-amz-security-token");
  if (credentials.sessionToken !== undefined && token !== credentials.sessionToken)
    return fail("AuthFailure", "AWS was not able to validate the provided access credentials");
  const declared = values.get("x-amz-content-sha256");
  if (
    declared !== undefined &&
    declared !== "UNSIGNED-PAYLOAD" &&
    declared !== sha256Hex(request.body)
  )
    return fail(
      "XAmzContentSHA256Mismatch",
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  const creq = canonicalRequest(request, auth.signedHeaders);
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const expected = signatureOf(
    credentials.secretAccessKey,
    auth,
    stringToSign(amzDate, scope, creq),
  );
  const given = Buffer.from(auth.signature);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, Buffer.from(expected)))
    return fail(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  return { ok: true, accessKeyId: auth.accessKeyId, region: auth.region, service: auth.service };
}
