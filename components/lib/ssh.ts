import * as pulumi from "@pulumi/pulumi";
import { BastionConfig } from "../../src/config/types";

/** The ssh command a person runs to reach a gateway (the key is theirs to supply; no secret here). */
export function sshCommandFor(user: string, host: string, bastion?: BastionConfig): string {
  const jump = bastion ? `-J ${bastion.user}@${bastion.host}:${bastion.port} ` : "";
  return `ssh -i <gatewaySshPrivateKey file> ${jump}${user}@${host}`;
}

/** A known_hosts line pinning a host key; a port other than 22 is written `[host]:port`. */
export function knownHostsLine(host: string, hostPublicKey: string, port = 22): string {
  const where = port === 22 ? host : `[${host}]:${port}`;
  return `${where} ${hostPublicKey.trim()}`;
}

/** How the program reaches a gateway over SSH: both pinned host keys, one login key. */
export interface GatewaySsh {
  /** The gateway's pinned private IPv4 address (SSH target). */
  host: string;
  user: string;
  /** The stack's gatewaySshPrivateKey (secret). */
  privateKey: pulumi.Input<string>;
  /** The gateway's generated host key, authorized_keys format: pinned on every connection. */
  hostPublicKey: pulumi.Input<string>;
  /** Optional jump host (its host key pinned too); it authenticates with the same private key. */
  bastion?: BastionConfig;
}

/**
 * How long a push or a health gate waits for a gateway's sshd (pulumi-command v1.2.1,
 * provider/pkg/provider/remote/connection.go): it dials up to DIAL_ATTEMPTS + 1 times, each dial
 * bounded by PER_DIAL_TIMEOUT_S (the TCP connect), with the Pulumi SDK's retry back-off between
 * dials: 0.1 s growing by 1.5x to at most 5 s (about 11 s for the first ten pauses, 5 s after).
 * So the wait depends on how the host fails:
 * - refused (the guest's kernel answers, sshd is not up yet): pauses only, about
 *   11 + 5 x (24 - 10) = 81 s;
 * - dropped (booting, stopped or gone: nothing answers): 25 dials x 10 s + 81 s = about 5.5 min.
 * A first boot of Amazon Linux 2023 answers within a minute or two of "running" (which the
 * instance create already waited for). The provider's defaults (10 attempts) are too short for a
 * first boot, and the former 60 x 15 s waited about 20 minutes on a dropped host before failing.
 */
export const DIAL_ATTEMPTS = 24;
export const PER_DIAL_TIMEOUT_S = 10;

/**
 * How long the provider dials before it gives up, in seconds, as the comment above works it out:
 * `dialErrorLimit` + 1 dials with a pause after each failed one but the last (the SDK's retry:
 * 100 ms, x1.5 each time, at most 5 s); a dropped dial also waits out `perDialTimeout`.
 */
export function dialPatienceS(attempts: number, perDialS: number, dropped: boolean): number {
  let pause = 0.1;
  let total = dropped ? (attempts + 1) * perDialS : 0;
  for (let i = 0; i < attempts; i++) {
    total += pause;
    pause = Math.min(pause * 1.5, 5);
  }
  return total;
}

/** The `connection` of a remote.Command to a gateway, through the bastion when there is one. */
export function gatewayConnection(ssh: GatewaySsh) {
  const patience = { dialErrorLimit: DIAL_ATTEMPTS, perDialTimeout: PER_DIAL_TIMEOUT_S };
  return {
    host: ssh.host,
    user: ssh.user,
    privateKey: ssh.privateKey,
    hostKey: ssh.hostPublicKey,
    ...patience,
    proxy: ssh.bastion && {
      host: ssh.bastion.host,
      port: ssh.bastion.port,
      user: ssh.bastion.user,
      privateKey: ssh.privateKey,
      hostKey: ssh.bastion.hostKey,
      ...patience,
    },
  };
}
