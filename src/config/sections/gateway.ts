/** `gateway`: options shared by both gateways (instance, image, SSH access, bastion). */

import {
  cidrContains,
  cidrsCoverAll,
  formatIpv4Cidr,
  Ipv4Cidr,
  ipv4CidrOrThrow,
  parseIpv4,
} from "../../net/ipv4";
import { defaultOf, fullKey, keysOf } from "../contract";
import { awsId, ipv4CidrList, linuxUser, sshHost, sshPublicKey } from "../fields";
import { ConfigReader } from "../reader";
import { GATEWAY_KERNELS, GatewayKernel, GatewayOptions, VpcConfig } from "../types";

export function readGatewayOptions(
  r: ConfigReader,
  value: unknown,
  vpc: VpcConfig | undefined,
  forDeploy: boolean,
): GatewayOptions | undefined {
  const p = fullKey("gateway");
  const o = r.object(p, value, keysOf("gateway")) ?? {};
  const instanceType = r.string(
    `${p}.instanceType`,
    o.instanceType,
    /^[a-z][a-z0-9-]*\.[a-z0-9]+$/,
    "an EC2 instance type (e.g. t4g.nano)",
  );
  const amiId = awsId(r, `${p}.amiId`, o.amiId, "ami");
  const kernel = readKernel(r, `${p}.kernel`, o.kernel);
  const sshUser = linuxUser(r, `${p}.sshUser`, o.sshUser);
  const allowed =
    o.sshAllowedCidrs === undefined
      ? undefined
      : ipv4CidrList(r, `${p}.sshAllowedCidrs`, o.sshAllowedCidrs);
  if (allowed) checkSshNotOpenToAll(r, `${p}.sshAllowedCidrs`, allowed);
  const bastion = readBastion(r, `${p}.bastion`, o.bastion, forDeploy);
  const interfaceName = r.string(
    `${p}.interfaceName`,
    o.interfaceName,
    /^[a-z][a-z0-9]{0,14}$/,
    "a network interface name",
  );
  const createVpcEndpoints = r.boolean(`${p}.createVpcEndpoints`, o.createVpcEndpoints);
  if (!vpc) return undefined;
  const sshAllowedCidrs = allowed ?? vpc.cidrs.map(ipv4CidrOrThrow);
  if (bastion) checkBastionAdmitted(r, `${p}.bastion.host`, bastion.host, vpc, sshAllowedCidrs);
  return {
    instanceType: instanceType ?? defaultOf("gateway.instanceType"),
    ...(amiId ? { amiId } : {}),
    kernel: kernel ?? defaultOf("gateway.kernel"),
    sshUser: sshUser ?? defaultOf("gateway.sshUser"),
    sshAllowedCidrs: sshAllowedCidrs.map(formatIpv4Cidr),
    ...(bastion ? { bastion } : {}),
    interfaceName: interfaceName ?? defaultOf("gateway.interfaceName"),
    createVpcEndpoints: createVpcEndpoints ?? defaultOf("gateway.createVpcEndpoints"),
  };
}

const WHOLE_INTERNET =
  "opens SSH to the whole Internet; name the networks that administer the gateways";

/** 0.0.0.0/0 itself, or rules that add up to it (0.0.0.0/1 + 128.0.0.0/1). */
function checkSshNotOpenToAll(r: ConfigReader, p: string, allowed: Ipv4Cidr[]): void {
  const everything = allowed.findIndex((cidr) => cidr.prefix === 0);
  if (everything >= 0) {
    r.report(`${p}[${everything}]`, WHOLE_INTERNET);
  } else if (cidrsCoverAll(allowed)) {
    r.report(p, `together ${WHOLE_INTERNET.replace("opens", "open")}`);
  }
}

/**
 * The gateways' own firewall admits new SSH only from sshAllowedCidrs (docs/pulumi.md "IAM and
 * security groups"). A bastion in the VPC connects from its VPC address: one outside that list
 * would push the first configuration (the firewall is not loaded yet) and then be locked out.
 * A DNS name or an address outside the VPC cannot be checked here (the gateways see the
 * bastion's private address); docs/pulumi.md says what to list then.
 */
function checkBastionAdmitted(
  r: ConfigReader,
  p: string,
  host: string,
  vpc: VpcConfig,
  allowed: readonly Ipv4Cidr[],
): void {
  const address = parseIpv4(host);
  if (address === undefined) return;
  const inVpc = vpc.cidrs.some((cidr) => cidrContains(ipv4CidrOrThrow(cidr), address));
  if (!inVpc || allowed.some((cidr) => cidrContains(cidr, address))) return;
  r.report(
    p,
    `${host} is in the VPC but not in ${fullKey("gateway")}.sshAllowedCidrs: the gateways accept new SSH only from those networks, so every push through this bastion after the first would be refused; add ${host}/32 (or its subnet) to sshAllowedCidrs`,
  );
}

/** A string: YAML reads an unquoted 6.10 as the number 6.1, so numbers are refused, not guessed. */
function readKernel(r: ConfigReader, p: string, value: unknown): GatewayKernel | undefined {
  const expected = `${GATEWAY_KERNELS.map((k) => `"${k}"`).join(" or ")}, quoted`;
  if (typeof value === "number")
    return r.report(p, `must be ${expected} (got the number ${value})`);
  return r.string(p, value, /^6\.(1|12)$/, expected) as GatewayKernel | undefined;
}

function readBastion(
  r: ConfigReader,
  p: string,
  value: unknown,
  forDeploy: boolean,
): GatewayOptions["bastion"] {
  const o = r.object(p, value, keysOf("gateway.bastion"));
  if (!o) return undefined;
  const host = r.required(`${p}.host`, sshHost(r, `${p}.host`, o.host));
  const user = r.required(`${p}.user`, linuxUser(r, `${p}.user`, o.user));
  const port = r.integer(`${p}.port`, o.port, 1, 65535) ?? defaultOf("gateway.bastion.port");
  const hostKey = sshPublicKey(r, `${p}.hostKey`, o.hostKey);
  // render can show a stack without it; a deployment never trusts a jump host on first use.
  if (forDeploy && o.hostKey === undefined) {
    r.report(`${p}.hostKey`, "is required to deploy through a bastion (its SSH host key, pinned)");
  }
  if (!host || !user) return undefined;
  return hostKey ? { host, user, port, hostKey } : { host, user, port };
}
