/**
 * The validated stack configuration, contract v1 (README "Configuration reference";
 * every key, type and default in src/config/contract.ts).
 * Every optional key of the contract has its default filled in by the validator,
 * so the renderers and components never repeat a default.
 */

export type Ipv6Mode = "isatap" | "native";

/** Amazon Linux 2023's kernel streams: its default 6.1, or 6.12. */
export const GATEWAY_KERNELS = ["6.1", "6.12"] as const;
export type GatewayKernel = (typeof GATEWAY_KERNELS)[number];

export interface SiteConfig {
  /** [a-z0-9-]{1,32}; names every resource of the stack. */
  name: string;
  /** IPv4 networks behind the RTX, canonical "a.b.c.d/len". */
  cidrs: string[];
}

export interface VpcConfig {
  id: string;
  /** VPC IPv4 networks the site reaches. */
  cidrs: string[];
  /** Route tables whose routes to the site CIDRs follow the active gateway. */
  routeTableIds: string[];
  /**
   * Existing routes to site CIDRs the stack takes over, as Route import ids
   * (`rtb-…_a.b.c.d/len`, docs/deploy.md "Routes that already exist").
   */
  adoptRoutes: string[];
  /** `rtb-…_a.b.c.d/len`: site CIDRs whose traffic may move from a broader route to the gateways. */
  overrideRoutes: string[];
}

export interface GatewayPlacement {
  subnetId: string;
  /** Pinned: the RTX's tunnel endpoint and keepalive target depend on it. */
  privateIp: string;
  /** Native mode only: the ENI's IPv6 address, the tunnel's local end. */
  ipv6Address?: string;
}

export interface BastionConfig {
  host: string;
  user: string;
  port: number;
  /** The bastion's pinned SSH host key, authorized_keys form; `pulumi up` requires it. */
  hostKey?: string;
}

export interface GatewayOptions {
  instanceType: string;
  /** Explicit AMI; when absent the latest Amazon Linux 2023 for the instance's arch is looked up. */
  amiId?: string;
  /** The AL2023 kernel stream the looked-up image carries (both gateways boot the same). */
  kernel: GatewayKernel;
  sshUser: string;
  sshAllowedCidrs: string[];
  bastion?: BastionConfig;
  /** Name of the primary network interface on the gateway OS (ens5 on Nitro AL2023). */
  interfaceName: string;
  /** Create an EC2 interface endpoint and an S3 gateway endpoint for the gateways. */
  createVpcEndpoints: boolean;
}

export interface Ipv6Config {
  mode: Ipv6Mode;
  /** isatap: IPv4 address of the ISATAP (AWS-side) router. */
  isatapRouter?: string;
  /** isatap: the /64 the ISATAP addresses are formed in, canonical "x::/64". */
  isatapPrefix?: string;
  pathMtu: number;
  underlayMtu: number;
}

export interface RtxConfig {
  host: string;
  port: number;
  user: string;
  /** Pinned host key, authorized_keys format ("ssh-ed25519 AAAA..."). */
  hostKey: string;
  ipv6Address: string;
  lanAddress: string;
  wanInterface: string;
  tunnelIds: [number, number];
  keepaliveIds: [number, number];
  ipv6FilterId: number;
  model?: string;
  /**
   * Take over settings with our ids that the last applied list did not set (see docs/rtx.md):
   * true, only those nothing refers to; a list (`keepalive:1`), exactly those.
   */
  adopt?: boolean | string[];
  /** A spare saved-configuration file (1..4) that keeps the previous saved config at each save. */
  backupConfig?: number;
  /** Seconds after which an unconfirmed change takes itself back (docs/rtx.md; default 300). */
  revertAfterSeconds?: number;
  /** Change firmware that has neither rollback timer nor relative schedule (docs/rtx.md). */
  noRevert?: boolean;
  /** Let backupConfig overwrite a spare file that holds a configuration this stack did not write. */
  overwriteBackup?: boolean;
}

export interface FailoverConfig {
  advertIntervalMs: number;
  rtxKeepaliveIntervalS: number;
  rtxKeepaliveCount: number;
  /** The tunnel prober's reply budget: a probe unanswered this long is lost (docs/gateway-prober.md). */
  probeTimeoutMs: number;
}

/** Where the per-site CloudWatch alarms notify (docs/operations.md, "Metrics and alarms"). */
export interface MonitoringConfig {
  snsTopicArn?: string;
}

/**
 * Secrets are never part of StackConfig: they travel as Pulumi secrets, read in index.ts with
 * requireSecret (README "Configuration reference", the last three keys).
 */
export interface StackConfig {
  region?: string;
  site: SiteConfig;
  vpc: VpcConfig;
  gateways: [GatewayPlacement, GatewayPlacement];
  gateway: GatewayOptions;
  ipv6: Ipv6Config;
  rtx: RtxConfig;
  failover: FailoverConfig;
  monitoring: MonitoringConfig;
}

/** The secret keys of the project namespace; their values are never read by the validator. */
export const SECRET_KEYS = ["rtxPassword", "rtxAdminPassword", "gatewaySshPrivateKey"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** One validation problem: the key path it concerns and what is wrong. */
export interface Problem {
  path: string;
  message: string;
}
