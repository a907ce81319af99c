import { BastionConfig } from "../../src/config/types";

/** POSIX single-quoting: the value reaches the program as one argument, whatever it contains. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

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
