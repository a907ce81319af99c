/**
 * A throwaway certificate authority and a server certificate for the EC2 stand-in's name, made
 * with openssl: the lab's guest trusts the CA (its curl's bundle), the unit tests point curl at it.
 * RSA 2048 and SHA-256, what the real EC2 endpoint's certificate chain uses, so the handshake costs
 * what it costs against AWS.
 */

import { spawnSync } from "child_process";
import * as path from "path";

export interface TlsFiles {
  /** The CA's certificate (PEM): the trust anchor. */
  ca: string;
  /** The server's certificate (PEM) and key. */
  cert: string;
  key: string;
}

/** The EC2 Query API's endpoint name in a region. */
export function ec2Hostname(region: string): string {
  return `ec2.${region}.amazonaws.com`;
}

/** CloudWatch's Query API endpoint name in a region (PutMetricData). */
export function monitoringHostname(region: string): string {
  return `monitoring.${region}.amazonaws.com`;
}

/** A certificate for hostname, naming the others too (one stand-in process serves several endpoints). */
export function makeTlsFiles(dir: string, hostname: string, ...others: string[]): TlsFiles {
  const sans = [hostname, ...others].map((h) => `DNS:${h}`).join(",");
  const ca = path.join(dir, "ca.pem");
  const caKey = path.join(dir, "ca.key");
  const key = path.join(dir, "ec2.key");
  const cert = path.join(dir, "ec2.pem");
  const sh = (cmd: string) => {
    const r = spawnSync("bash", ["-c", cmd], { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  };
  sh(
    `openssl req -x509 -newkey rsa:2048 -sha256 -nodes -keyout ${caKey} -out ${ca} -days 2 -subj "/CN=vpc-ipip6-gateway lab CA" 2>/dev/null`,
  );
  sh(
    `openssl req -newkey rsa:2048 -nodes -keyout ${key} -subj "/CN=${hostname}" 2>/dev/null | ` +
      `openssl x509 -req -sha256 -CA ${ca} -CAkey ${caKey} -CAcreateserial -days 2 -out ${cert} ` +
      `-extfile <(printf 'subjectAltName=${sans}') 2>/dev/null`,
  );
  return { ca, cert, key };
}
