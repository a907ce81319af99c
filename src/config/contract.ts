/**
 * The stack configuration contract, v1: every key the validator accepts, with its type, its
 * default and what it means. The section readers (src/config/sections/) take their key lists and
 * defaults from here, and a unit test checks the README's configuration reference against it.
 */

export const NAMESPACE = "vpc-ipip6-gateway";

export interface KeySpec {
  /** What the value must be, in words. */
  type: string;
  /** The key must be given: always (true), or under the condition named. */
  required?: true | string;
  /** The value the validator fills in when the key is absent. */
  default?: string | number | boolean | readonly number[];
  /** A default that is not a literal: another key's value, or a lookup. */
  defaultFrom?: string;
  /** Set with `pulumi config set --secret`; the validator never reads the value. */
  secret?: true;
  description: string;
}

/**
 * Keys as the README writes them: "section.key", "gateways[].key" for the items of the
 * gateways list, and the secrets by bare name.
 */
export const CONTRACT = {
  "site.name": { type: "[a-z0-9-]{1,32}", required: true, description: "names the resources" },
  "site.cidrs": { type: "IPv4 CIDR list", required: true, description: "networks behind the RTX" },
  "vpc.id": { type: "vpc- id", required: true, description: "the VPC" },
  "vpc.cidrs": {
    type: "IPv4 CIDR list",
    required: true,
    description: "VPC networks the site reaches",
  },
  "vpc.routeTableIds": {
    type: "rtb- id list",
    required: true,
    description: "tables whose routes to the site follow the active gateway",
  },
  "vpc.adoptRoutes": {
    type: "list of `rtb-…_a.b.c.d/len`",
    default: [],
    description: "existing routes to site CIDRs the stack takes over (docs/deploy.md)",
  },
  "vpc.overrideRoutes": {
    type: "list of `rtb-…_a.b.c.d/len`",
    default: [],
    description: "site CIDRs whose traffic may move from a broader route (docs/deploy.md)",
  },
  "gateways[].subnetId": { type: "subnet- id", required: true, description: "one subnet per AZ" },
  "gateways[].privateIp": {
    type: "IPv4 address",
    required: true,
    description: "pinned; the RTX's keepalive target",
  },
  "gateways[].ipv6Address": {
    type: "IPv6 address",
    required: "in native mode",
    description: "the ENI's address, the tunnel's local end",
  },
  "gateway.instanceType": { type: "EC2 instance type", default: "t4g.nano", description: "size" },
  "gateway.amiId": {
    type: "ami- id",
    defaultFrom: "latest Amazon Linux 2023",
    description: "pinned once looked up",
  },
  "gateway.sshUser": { type: "Linux user name", default: "ec2-user", description: "login user" },
  "gateway.sshAllowedCidrs": {
    type: "IPv4 CIDR list",
    defaultFrom: "`vpc.cidrs`",
    description: "who may SSH to the gateways; never the whole Internet",
  },
  "gateway.bastion": { type: "mapping", description: "the SSH jump host" },
  "gateway.bastion.host": {
    type: "IPv4, IPv6 or DNS name",
    required: "in `bastion`",
    description: "where SSH reaches the bastion",
  },
  "gateway.bastion.user": {
    type: "Linux user name",
    required: "in `bastion`",
    description: "login user on the bastion",
  },
  "gateway.bastion.port": { type: "1..65535", default: 22, description: "its SSH port" },
  "gateway.bastion.hostKey": {
    type: "SSH public key, authorized_keys form",
    required: "by `pulumi up` with a bastion",
    description: "pinned host key",
  },
  "gateway.kernel": {
    type: '"6.1" or "6.12", quoted',
    default: "6.1",
    description: "AL2023 kernel stream",
  },
  "gateway.interfaceName": {
    type: "interface name",
    default: "ens5",
    description: "VRRP's interface",
  },
  "gateway.createVpcEndpoints": {
    type: "boolean",
    default: false,
    description: "EC2 interface and S3 gateway endpoints",
  },
  "ipv6.mode": {
    type: "isatap or native",
    required: true,
    description: "how the gateways reach IPv6",
  },
  "ipv6.isatapRouter": {
    type: "unicast IPv4 address outside site.cidrs",
    required: "isatap",
    description: "the ISATAP router (PRL)",
  },
  "ipv6.isatapPrefix": {
    type: "global IPv6 /64",
    required: "isatap",
    description: "the /64 of the ISATAP addresses",
  },
  "ipv6.pathMtu": { type: "1280..9001", default: 1500, description: "IPv6 path MTU" },
  "ipv6.underlayMtu": {
    type: "1300..9001, isatap only",
    default: 1500,
    description: "IPv4 MTU toward the ISATAP router",
  },
  "rtx.host": {
    type: "IPv4, IPv6 or DNS name",
    required: true,
    description: "where SSH reaches it",
  },
  "rtx.port": { type: "1..65535", default: 22, description: "its SSH port" },
  "rtx.user": { type: "RTX login name", required: true, description: "login user" },
  "rtx.hostKey": {
    type: "SSH public key, authorized_keys form",
    required: true,
    description: "pinned host key",
  },
  "rtx.ipv6Address": {
    type: "unicast IPv6 address",
    required: true,
    description: "the RTX's tunnel endpoint",
  },
  "rtx.lanAddress": {
    type: "host address inside site.cidrs",
    required: true,
    description: "keepalive source, health-check target",
  },
  "rtx.wanInterface": {
    type: "lanN or bridgeN the model has",
    default: "lan2",
    description: "where our IPv6 filter goes",
  },
  "rtx.tunnelIds": {
    type: "two ids in the model's range",
    default: [1, 2],
    description: "tunnel numbers for gateway 0 and gateway 1",
  },
  "rtx.keepaliveIds": {
    type: "two ids in the model's range",
    default: [1, 2],
    description: "`ip keepalive` numbers for gateway 0 and gateway 1",
  },
  "rtx.ipv6FilterId": { type: "1..21474836", default: 101035, description: "our `ipv6 filter`" },
  "rtx.model": { type: "a known RTX model", description: "checks ids and interfaces" },
  "rtx.adopt": {
    type: "boolean or a list of tunnel:N, keepalive:N, filter:N, route:NET",
    default: false,
    description: "take over unrecorded settings",
  },
  "rtx.backupConfig": { type: "1..4", description: "spare saved-config file" },
  "rtx.revertAfterSeconds": {
    type: "60..3600",
    default: 300,
    description: "an unconfirmed change takes itself back after this",
  },
  "rtx.noRevert": {
    type: "boolean",
    default: false,
    description: "change firmware that has no way back",
  },
  "rtx.overwriteBackup": {
    type: "boolean",
    default: false,
    description: "let rtx.backupConfig overwrite a spare file that holds a configuration",
  },
  "failover.advertIntervalMs": {
    type: "50..1000, steps of 10",
    default: 200,
    description: "VRRP advert interval",
  },
  "failover.rtxKeepaliveIntervalS": {
    type: "1..65535",
    default: 1,
    description: "RTX keepalive interval",
  },
  "failover.rtxKeepaliveCount": { type: "3..100", default: 3, description: "RTX keepalive count" },
  "failover.probeTimeoutMs": {
    type: "100..2000, steps of 100",
    default: 200,
    description: "how long the gateways' tunnel prober waits for a reply",
  },
  "monitoring.snsTopicArn": {
    type: "an SNS topic ARN",
    description: "SNS topic the site's CloudWatch alarms notify",
  },
  rtxPassword: { type: "string", secret: true, description: "RTX login password" },
  rtxAdminPassword: { type: "string", secret: true, description: "RTX administrator password" },
  gatewaySshPrivateKey: { type: "private key", secret: true, description: "gateway login key" },
} as const satisfies Record<string, KeySpec>;

export type ContractKey = keyof typeof CONTRACT;

/** "site" -> "vpc-ipip6-gateway:site"; key paths in problems start with this form. */
export function fullKey(name: string): string {
  return `${NAMESPACE}:${name}`;
}

export const SECTIONS = [
  "site",
  "vpc",
  "gateways",
  "gateway",
  "ipv6",
  "rtx",
  "failover",
  "monitoring",
] as const;
export type Section = (typeof SECTIONS)[number];

/** The keys directly under a section ("rtx", "gateway.bastion"; "gateways" for its items). */
export function keysOf(section: Section | "gateway.bastion"): string[] {
  const prefix = section === "gateways" ? "gateways[]." : `${section}.`;
  return Object.keys(CONTRACT)
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length))
    .filter((k) => !k.includes("."));
}

type KeyWithDefault = {
  [K in ContractKey]: (typeof CONTRACT)[K] extends { default: unknown } ? K : never;
}[ContractKey];

/** The contract's default for a key; the readers fill in nothing else. */
export function defaultOf<K extends KeyWithDefault>(key: K): (typeof CONTRACT)[K]["default"] {
  return CONTRACT[key].default;
}
