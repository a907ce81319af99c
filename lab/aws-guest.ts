/**
 * What the guest needs to run the EC2/IMDS stand-in in place of AWS: the stand-in itself, its
 * state, a certificate for ec2.<region>.amazonaws.com from a lab CA made now, that CA where
 * Debian's curl looks for trust anchors, and /etc/hosts naming the endpoint (the lab's DNS).
 * The gateways' disks are copies of the guest's /etc, so the rendered files run unchanged.
 */

import * as fs from "fs";
import * as path from "path";
import { standinState } from "./aws-state";
import { STANDIN_SCRIPT } from "./guest-python";
import { ec2Hostname, makeTlsFiles, monitoringHostname } from "./tls";
import { LabTopology } from "./topology";

/** Debian's curl (OpenSSL build) reads this bundle unless CURL_CA_BUNDLE says otherwise. */
export const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
export const STANDIN_DIR = "/lab/aws";
export const GUEST_STANDIN = "/lab/aws-standin/aws_standin.py";
/** Where the guest finds the status command's read-only gateway script (lab/guest/main.sh). */
export const STATUS_READ_SCRIPT = "/lab/status-read.sh";

/** Guest path -> [content, octal mode]; workDir keeps the CA's key on the host (lab/out). */
export function standinGuestFiles(
  topology: LabTopology,
  workDir: string,
): Record<string, [string, string]> {
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true, mode: 0o700 });
  const host = ec2Hostname(topology.region);
  const monitoring = monitoringHostname(topology.region);
  const tls = makeTlsFiles(workDir, host, monitoring);
  const read = (f: string) => fs.readFileSync(f, "utf8");
  return {
    "/etc/hosts": [
      `127.0.0.1 localhost\n${topology.ec2Endpoint} ${host}\n${topology.monitoringEndpoint} ${monitoring}\n`,
      "0644",
    ],
    [CA_BUNDLE]: [read(tls.ca), "0644"],
    [path.posix.join(STANDIN_DIR, "state.json")]: [
      JSON.stringify(standinState(topology), null, 1) + "\n",
      "0600",
    ],
    [path.posix.join(STANDIN_DIR, "ec2.pem")]: [read(tls.cert), "0644"],
    [path.posix.join(STANDIN_DIR, "ec2.key")]: [read(tls.key), "0600"],
    [GUEST_STANDIN]: [read(STANDIN_SCRIPT), "0755"],
  };
}
