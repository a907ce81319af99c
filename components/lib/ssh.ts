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
 * Dial attempts while a new gateway boots: the provider backs off to 5 s between attempts, so 60
 * attempts wait about 5 minutes for sshd (and for cloud-init to install the pinned host key).
 */
const DIAL_ATTEMPTS = 60;
const PER_DIAL_TIMEOUT_S = 15;

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
