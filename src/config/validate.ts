/**
 * Validation of stack configuration contract v1 (DESIGN.md §3): reads every key, fills defaults,
 * and reports every problem at once by key path. Runs before any resource is declared.
 */

import {
  cidrContains,
  cidrsOverlap,
  broadcastOf,
  formatIpv4Cidr,
  Ipv4Cidr,
  parseIpv4,
} from "../net/ipv4";
import { MAX_LINK_MTU, MIN_LINK_MTU, IPV4_HEADER } from "../net/mtu";
import {
  awsId,
  ipv4Address,
  ipv4CidrList,
  ipv6Endpoint,
  ipv6Slash64,
  sshHost,
  sshPublicKey,
} from "./fields";
import { ConfigReader, unknownKeyMessage } from "./reader";
import { MAX_IPV6_FILTER_ID, RTX_MODELS, UNKNOWN_MODEL_LIMITS } from "./rtx-models";
import {
  FailoverConfig,
  GATEWAY_KERNELS,
  GatewayKernel,
  GatewayOptions,
  GatewayPlacement,
  Ipv6Config,
  MonitoringConfig,
  Problem,
  RtxConfig,
  SECRET_KEYS,
  SiteConfig,
  StackConfig,
  VpcConfig,
} from "./types";

export const NAMESPACE = "vpc-ipip6-gateway";
/**
 * Every key of contract v1, by section (`gateways` items and `gateway.bastion` have their own).
 * The README's configuration reference is checked against this table.
 */
export const CONFIG_KEYS = {
  site: ["name", "cidrs"],
  vpc: ["id", "cidrs", "routeTableIds"],
  gateways: ["subnetId", "privateIp", "ipv6Address"],
  gateway: [
    "instanceType",
    "amiId",
    "kernel",
    "sshUser",
    "sshAllowedCidrs",
    "bastion",
    "interfaceName",
    "createVpcEndpoints",
  ],
  "gateway.bastion": ["host", "user", "port", "hostKey"],
  ipv6: ["mode", "isatapRouter", "isatapPrefix", "pathMtu", "underlayMtu"],
  rtx: [
    "host",
    "port",
    "user",
    "hostKey",
    "ipv6Address",
    "lanAddress",
    "wanInterface",
    "tunnelIds",
    "keepaliveIds",
    "ipv6FilterId",
    "model",
    "adopt",
    "backupConfig",
  ],
  failover: ["advertIntervalMs", "rtxKeepaliveIntervalS", "rtxKeepaliveCount"],
  monitoring: ["snsTopicArn"],
} as const;
const SECTIONS = [
  "site",
  "vpc",
  "gateways",
  "gateway",
  "ipv6",
  "rtx",
  "failover",
  "monitoring",
] as const;
/** Sections that may be left out: every key in them has a default or is optional. */
const OPTIONAL_SECTIONS: readonly string[] = ["gateway", "failover", "monitoring"];
/** Other namespaces a site stack may carry config for. */
const FOREIGN_NAMESPACES = ["aws", "pulumi", "command", "tls"];

/** Config as read from a stack file or the Pulumi runtime, before validation. */
export interface RawStackConfig {
  /** Full key ("vpc-ipip6-gateway:site", "aws:region") -> value (objects already parsed). */
  values: Record<string, unknown>;
  /** Full keys whose values are stored encrypted (`secure:`); their values are never read. */
  secureKeys: Set<string>;
}

export interface ValidateOptions {
  /**
   * Validating for `pulumi up`: the secrets, and the bastion's host key when there is a bastion,
   * are required. `render` needs neither, so it accepts stacks without them.
   */
  forDeploy: boolean;
}

export interface ValidationResult {
  config?: StackConfig;
  problems: Problem[];
}

const key = (name: string) => `${NAMESPACE}:${name}`;

export function validateStackConfig(
  input: RawStackConfig,
  options: ValidateOptions,
): ValidationResult {
  const raw = { ...input, values: withoutEmptyValues(input.values) as Record<string, unknown> };
  const r = new ConfigReader();
  checkKeys(r, raw, options);
  const site = readSite(r, raw.values[key("site")]);
  const vpc = readVpc(r, raw.values[key("vpc")]);
  const ipv6 = readIpv6(r, raw.values[key("ipv6")]);
  const gateways = readGateways(r, raw.values[key("gateways")], ipv6?.mode);
  const gateway = readGatewayOptions(r, raw.values[key("gateway")], vpc, options.forDeploy);
  const rtx = readRtx(r, raw.values[key("rtx")]);
  const failover = readFailover(r, raw.values[key("failover")]);
  const monitoring = readMonitoring(r, raw.values[key("monitoring")]);
  const region = r.string(
    "aws:region",
    raw.values["aws:region"],
    /^[a-z]{2}(-gov)?-[a-z]+-\d$/,
    "an AWS region",
  );
  crossCheck(r, { site, vpc, gateways, ipv6, rtx });
  if (
    r.problems.length > 0 ||
    !site ||
    !vpc ||
    !gateways ||
    !gateway ||
    !ipv6 ||
    !rtx ||
    !failover
  ) {
    return { problems: r.problems };
  }
  return {
    config: { region, site, vpc, gateways, gateway, ipv6, rtx, failover, monitoring },
    problems: [],
  };
}

function checkKeys(r: ConfigReader, raw: RawStackConfig, options: ValidateOptions): void {
  const known: string[] = [...SECTIONS, ...SECRET_KEYS];
  for (const full of Object.keys(raw.values)) {
    const [namespace, name] = splitKey(full);
    if (namespace === NAMESPACE) {
      if (!known.includes(name)) r.report(full, unknownKeyMessage(name, known));
    } else if (!FOREIGN_NAMESPACES.includes(namespace)) {
      r.report(
        full,
        `unknown config namespace "${namespace}" (this project's keys are under ${NAMESPACE}:)`,
      );
    }
  }
  for (const section of SECTIONS) {
    if (!OPTIONAL_SECTIONS.includes(section) && raw.values[key(section)] == null) {
      r.report(key(section), "is required");
    }
  }
  for (const secret of SECRET_KEYS) {
    const full = key(secret);
    const present = raw.values[full] !== undefined;
    if (present && !raw.secureKeys.has(full)) {
      r.report(full, `is stored in plain text; set it with: pulumi config set --secret ${secret}`);
    } else if (!present && options.forDeploy) {
      r.report(full, `is required; set it with: pulumi config set --secret ${secret}`);
    }
  }
}

/** A key given with no value (`key:` in YAML) means "not set": drop it, at any depth of mappings. */
function withoutEmptyValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmptyValues);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).filter(([, v]) => v !== null);
  return Object.fromEntries(entries.map(([k, v]) => [k, withoutEmptyValues(v)]));
}

function splitKey(full: string): [string, string] {
  const colon = full.indexOf(":");
  return colon < 0 ? ["", full] : [full.slice(0, colon), full.slice(colon + 1)];
}

function readSite(r: ConfigReader, value: unknown): SiteConfig | undefined {
  const p = key("site");
  const o = r.object(p, value, CONFIG_KEYS.site);
  if (!o) return undefined;
  const name = r.required(
    `${p}.name`,
    r.string(`${p}.name`, o.name, /^[a-z0-9-]{1,32}$/, "1 to 32 of a-z, 0-9 and -"),
  );
  const cidrs = r.required(`${p}.cidrs`, ipv4CidrList(r, `${p}.cidrs`, o.cidrs));
  if (cidrs) reportOverlapsWithin(r, `${p}.cidrs`, cidrs);
  return name && cidrs ? { name, cidrs: cidrs.map(formatIpv4Cidr) } : undefined;
}

function readVpc(r: ConfigReader, value: unknown): VpcConfig | undefined {
  const p = key("vpc");
  const o = r.object(p, value, CONFIG_KEYS.vpc);
  if (!o) return undefined;
  const id = r.required(`${p}.id`, awsId(r, `${p}.id`, o.id, "vpc"));
  const cidrs = r.required(`${p}.cidrs`, ipv4CidrList(r, `${p}.cidrs`, o.cidrs));
  if (cidrs) reportOverlapsWithin(r, `${p}.cidrs`, cidrs);
  const routeTableIds = r.required(
    `${p}.routeTableIds`,
    r.listOf(`${p}.routeTableIds`, o.routeTableIds, (ip, v) => awsId(r, ip, v, "rtb"), { min: 1 }),
  );
  if (routeTableIds) reportDuplicates(r, `${p}.routeTableIds`, routeTableIds);
  return id && cidrs && routeTableIds
    ? { id, cidrs: cidrs.map(formatIpv4Cidr), routeTableIds }
    : undefined;
}

function readGateways(
  r: ConfigReader,
  value: unknown,
  mode: string | undefined,
): [GatewayPlacement, GatewayPlacement] | undefined {
  const p = key("gateways");
  const list = r.listOf(p, value, (ip, v) => readPlacement(r, ip, v, mode), { min: 2, max: 2 });
  if (!list || list.length !== 2) return undefined;
  const [a, b] = list;
  if (a.subnetId === b.subnetId) {
    r.report(
      `${p}[1].subnetId`,
      `is the same subnet as gateways[0]; the two gateways must be in two subnets in two AZs`,
    );
  }
  if (a.privateIp === b.privateIp)
    r.report(`${p}[1].privateIp`, "is the same address as gateways[0].privateIp");
  if (a.ipv6Address && a.ipv6Address === b.ipv6Address) {
    r.report(`${p}[1].ipv6Address`, "is the same address as gateways[0].ipv6Address");
  }
  return [a, b];
}

function readPlacement(
  r: ConfigReader,
  p: string,
  value: unknown,
  mode: string | undefined,
): GatewayPlacement | undefined {
  const o = r.object(p, value, CONFIG_KEYS.gateways);
  if (!o) return r.report(p, "must be a mapping with subnetId and privateIp");
  const subnetId = r.required(`${p}.subnetId`, awsId(r, `${p}.subnetId`, o.subnetId, "subnet"));
  const privateIp = r.required(`${p}.privateIp`, ipv4Address(r, `${p}.privateIp`, o.privateIp));
  const ipv6Address = ipv6Endpoint(r, `${p}.ipv6Address`, o.ipv6Address);
  if (mode === "native" && o.ipv6Address === undefined)
    r.report(`${p}.ipv6Address`, "is required in native mode");
  if (mode === "isatap" && o.ipv6Address !== undefined) {
    r.report(
      `${p}.ipv6Address`,
      "is for native mode only; in isatap mode the address is derived from privateIp",
    );
  }
  if (!subnetId || !privateIp) return undefined;
  return ipv6Address ? { subnetId, privateIp, ipv6Address } : { subnetId, privateIp };
}

const SSH_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

function readGatewayOptions(
  r: ConfigReader,
  value: unknown,
  vpc: VpcConfig | undefined,
  forDeploy: boolean,
): GatewayOptions | undefined {
  const p = key("gateway");
  const o = r.object(p, value, CONFIG_KEYS.gateway) ?? {};
  const instanceType = r.string(
    `${p}.instanceType`,
    o.instanceType,
    /^[a-z][a-z0-9-]*\.[a-z0-9]+$/,
    "an EC2 instance type (e.g. t4g.nano)",
  );
  const amiId = awsId(r, `${p}.amiId`, o.amiId, "ami");
  const kernel = readKernel(r, `${p}.kernel`, o.kernel);
  const sshUser = r.string(`${p}.sshUser`, o.sshUser, SSH_USER, "a Linux user name");
  const allowed =
    o.sshAllowedCidrs === undefined
      ? undefined
      : ipv4CidrList(r, `${p}.sshAllowedCidrs`, o.sshAllowedCidrs);
  allowed?.forEach((cidr, i) => {
    if (cidr.prefix === 0)
      r.report(
        `${p}.sshAllowedCidrs[${i}]`,
        "opens SSH to the whole Internet; name the networks that administer the gateways",
      );
  });
  const bastion = readBastion(r, `${p}.bastion`, o.bastion, forDeploy);
  const interfaceName = r.string(
    `${p}.interfaceName`,
    o.interfaceName,
    /^[a-z][a-z0-9]{0,14}$/,
    "a network interface name",
  );
  const createVpcEndpoints = r.boolean(`${p}.createVpcEndpoints`, o.createVpcEndpoints);
  if (!vpc) return undefined;
  return {
    instanceType: instanceType ?? "t4g.nano",
    ...(amiId ? { amiId } : {}),
    kernel: kernel ?? "6.1",
    sshUser: sshUser ?? "ec2-user",
    sshAllowedCidrs: (allowed ?? []).map(formatIpv4Cidr).concat(allowed ? [] : vpc.cidrs),
    ...(bastion ? { bastion } : {}),
    interfaceName: interfaceName ?? "ens5",
    createVpcEndpoints: createVpcEndpoints ?? false,
  };
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
  const o = r.object(p, value, CONFIG_KEYS["gateway.bastion"]);
  if (!o) return undefined;
  const host = r.required(`${p}.host`, sshHost(r, `${p}.host`, o.host));
  const user = r.required(
    `${p}.user`,
    r.string(`${p}.user`, o.user, SSH_USER, "a Linux user name"),
  );
  const port = r.integer(`${p}.port`, o.port, 1, 65535) ?? 22;
  const hostKey = sshPublicKey(r, `${p}.hostKey`, o.hostKey);
  // render can show a stack without it; a deployment never trusts a jump host on first use.
  if (forDeploy && o.hostKey === undefined) {
    r.report(`${p}.hostKey`, "is required to deploy through a bastion (its SSH host key, pinned)");
  }
  if (!host || !user) return undefined;
  return hostKey ? { host, user, port, hostKey } : { host, user, port };
}

function readIpv6(r: ConfigReader, value: unknown): Ipv6Config | undefined {
  const p = key("ipv6");
  const o = r.object(p, value, CONFIG_KEYS.ipv6);
  if (!o) return undefined;
  const mode = r.required(
    `${p}.mode`,
    r.string(`${p}.mode`, o.mode, /^(isatap|native)$/, "isatap or native"),
  ) as Ipv6Config["mode"] | undefined;
  const pathMtu = r.integer(`${p}.pathMtu`, o.pathMtu, MIN_LINK_MTU, MAX_LINK_MTU) ?? 1500;
  const underlayMtu = r.integer(
    `${p}.underlayMtu`,
    o.underlayMtu,
    MIN_LINK_MTU + IPV4_HEADER,
    MAX_LINK_MTU,
  );
  if (mode === "native") {
    for (const isatapOnly of ["isatapRouter", "isatapPrefix", "underlayMtu"]) {
      if (o[isatapOnly] !== undefined) r.report(`${p}.${isatapOnly}`, "is for isatap mode only");
    }
    return { mode, pathMtu, underlayMtu: underlayMtu ?? 1500 };
  }
  const isatapRouter = ipv4Address(r, `${p}.isatapRouter`, o.isatapRouter);
  const isatapPrefix = ipv6Slash64(r, `${p}.isatapPrefix`, o.isatapPrefix);
  if (mode !== "isatap") return undefined;
  if (o.isatapRouter === undefined) r.report(`${p}.isatapRouter`, "is required in isatap mode");
  if (o.isatapPrefix === undefined) r.report(`${p}.isatapPrefix`, "is required in isatap mode");
  if (!isatapRouter || !isatapPrefix) return undefined;
  return { mode, isatapRouter, isatapPrefix, pathMtu, underlayMtu: underlayMtu ?? 1500 };
}

function readRtx(r: ConfigReader, value: unknown): RtxConfig | undefined {
  const p = key("rtx");
  const o = r.object(p, value, CONFIG_KEYS.rtx);
  if (!o) return undefined;
  const model = r.string(
    `${p}.model`,
    o.model,
    new RegExp(`^(${Object.keys(RTX_MODELS).join("|")})$`),
    `a known model (${Object.keys(RTX_MODELS).join(", ")})`,
  );
  const limits = model ? RTX_MODELS[model] : UNKNOWN_MODEL_LIMITS;
  const host = r.required(`${p}.host`, sshHost(r, `${p}.host`, o.host));
  const port = r.integer(`${p}.port`, o.port, 1, 65535) ?? 22;
  const user = r.required(
    `${p}.user`,
    r.string(`${p}.user`, o.user, /^[A-Za-z0-9._-]{1,32}$/, "an RTX login name"),
  );
  const hostKey = r.required(`${p}.hostKey`, sshPublicKey(r, `${p}.hostKey`, o.hostKey));
  const ipv6Address = r.required(
    `${p}.ipv6Address`,
    ipv6Endpoint(r, `${p}.ipv6Address`, o.ipv6Address),
  );
  const lanAddress = r.required(`${p}.lanAddress`, ipv4Address(r, `${p}.lanAddress`, o.lanAddress));
  const wanInterface = orDefault(o.wanInterface, "lan2", (v) =>
    r.string(
      `${p}.wanInterface`,
      v,
      /^(lan|bridge)\d+$/,
      "a LAN or bridge interface name (lan2, bridge1)",
    ),
  );
  const tunnelIds = orDefault<[number, number]>(o.tunnelIds, [1, 2], (v) =>
    idPair(r, `${p}.tunnelIds`, v, limits.maxTunnel, "tunnel"),
  );
  const keepaliveIds = orDefault<[number, number]>(o.keepaliveIds, [1, 2], (v) =>
    idPair(r, `${p}.keepaliveIds`, v, limits.maxKeepalive, "keepalive"),
  );
  const ipv6FilterId = orDefault(o.ipv6FilterId, 101035, (v) =>
    r.integer(`${p}.ipv6FilterId`, v, 1, MAX_IPV6_FILTER_ID),
  );
  const adopt = orDefault(o.adopt, false, (v) => r.boolean(`${p}.adopt`, v));
  // Saved configuration files are 0..4 (command reference 56.3.4); 0 is the usual boot file,
  // so a spare one is 1..4. Which file boots is checked on the router at every save.
  const backupConfig =
    o.backupConfig == null ? undefined : r.integer(`${p}.backupConfig`, o.backupConfig, 1, 4);
  if (
    !host ||
    !user ||
    !hostKey ||
    !ipv6Address ||
    !lanAddress ||
    !wanInterface ||
    !tunnelIds ||
    !keepaliveIds ||
    !ipv6FilterId
  ) {
    return undefined;
  }
  return {
    host,
    port,
    user,
    hostKey,
    ipv6Address,
    lanAddress,
    wanInterface,
    tunnelIds,
    keepaliveIds,
    ipv6FilterId,
    ...(model ? { model } : {}),
    ...(adopt ? { adopt } : {}),
    ...(backupConfig !== undefined ? { backupConfig } : {}),
  };
}

/** The value read from `raw`, or the default when the key is absent or empty (a bad value stays undefined). */
function orDefault<T>(
  raw: unknown,
  fallback: T,
  read: (value: unknown) => T | undefined,
): T | undefined {
  return raw == null ? fallback : read(raw);
}

/** Two distinct ids in 1..max (max: the model's range, or the widest when rtx.model is unset). */
function idPair(
  r: ConfigReader,
  p: string,
  value: unknown,
  max: number,
  what: string,
): [number, number] | undefined {
  const ids = r.listOf(p, value, (ip, v) => r.integer(ip, v, 1, max), { min: 2, max: 2 });
  if (!ids || ids.length !== 2) return undefined;
  if (ids[0] === ids[1])
    return r.report(`${p}[1]`, `duplicates ${what} id ${ids[0]}; each gateway needs its own`);
  return [ids[0], ids[1]];
}

function readFailover(r: ConfigReader, value: unknown): FailoverConfig | undefined {
  const p = key("failover");
  const o = r.object(p, value, CONFIG_KEYS.failover) ?? {};
  const advert = r.integer(`${p}.advertIntervalMs`, o.advertIntervalMs, 50, 1000);
  if (advert !== undefined && advert % 10 !== 0) {
    r.report(
      `${p}.advertIntervalMs`,
      `${advert} is not a multiple of 10 ms (VRRPv3 counts in centiseconds)`,
    );
  }
  const interval = r.integer(`${p}.rtxKeepaliveIntervalS`, o.rtxKeepaliveIntervalS, 1, 65535);
  const count = r.integer(`${p}.rtxKeepaliveCount`, o.rtxKeepaliveCount, 3, 100);
  return {
    advertIntervalMs: advert ?? 200,
    rtxKeepaliveIntervalS: interval ?? 1,
    rtxKeepaliveCount: count ?? 3,
  };
}

/** Alarm notifications: an SNS topic ARN, optional (alarms still show in the console without). */
function readMonitoring(r: ConfigReader, value: unknown): MonitoringConfig {
  const p = key("monitoring");
  const o = r.object(p, value, CONFIG_KEYS.monitoring) ?? {};
  const snsTopicArn = r.string(
    `${p}.snsTopicArn`,
    o.snsTopicArn,
    /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
    "an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)",
  );
  return snsTopicArn ? { snsTopicArn } : {};
}

/** The sections a cross-check may need; each check runs when its own sections are valid. */
interface CrossInputs {
  site?: SiteConfig;
  vpc?: VpcConfig;
  gateways?: GatewayPlacement[];
  ipv6?: Ipv6Config;
  rtx?: RtxConfig;
}

function crossCheck(r: ConfigReader, c: CrossInputs): void {
  const siteCidrs = c.site?.cidrs.map(parseCidrOrThrow);
  const vpcCidrs = c.vpc?.cidrs.map(parseCidrOrThrow);
  if (siteCidrs && vpcCidrs) {
    reportOverlapsAcross(r, key("site.cidrs"), siteCidrs, "vpc.cidrs", vpcCidrs);
  }
  if (c.gateways && c.vpc && vpcCidrs) checkPrivateIps(r, c.gateways, c.vpc, vpcCidrs);
  if (c.gateways && c.rtx) checkGatewayIpv6NotRtx(r, c.gateways, c.rtx);
  if (c.rtx && c.site && siteCidrs) checkLanAddress(r, c.rtx, c.site, siteCidrs);
  if (c.ipv6?.isatapRouter && siteCidrs)
    checkIsatapRouter(r, c.ipv6.isatapRouter, siteCidrs, c.gateways);
}

function checkPrivateIps(
  r: ConfigReader,
  gateways: GatewayPlacement[],
  vpc: VpcConfig,
  vpcCidrs: Ipv4Cidr[],
): void {
  gateways.forEach((g, i) => {
    const ip = parseIpv4(g.privateIp) as number;
    const home = vpcCidrs.find((cidr) => cidrContains(cidr, ip));
    const p = `${key("gateways")}[${i}].privateIp`;
    if (!home) r.report(p, `${g.privateIp} is outside vpc.cidrs (${vpc.cidrs.join(", ")})`);
    else if (ip === home.network || ip === broadcastOf(home))
      r.report(p, `${g.privateIp} is a network or broadcast address`);
  });
}

function checkGatewayIpv6NotRtx(
  r: ConfigReader,
  gateways: GatewayPlacement[],
  rtx: RtxConfig,
): void {
  gateways.forEach((g, i) => {
    if (g.ipv6Address && g.ipv6Address === rtx.ipv6Address) {
      r.report(
        `${key("gateways")}[${i}].ipv6Address`,
        "is the RTX's own address (rtx.ipv6Address)",
      );
    }
  });
}

function checkLanAddress(
  r: ConfigReader,
  rtx: RtxConfig,
  site: SiteConfig,
  siteCidrs: Ipv4Cidr[],
): void {
  const lan = parseIpv4(rtx.lanAddress) as number;
  if (!siteCidrs.some((cidr) => cidrContains(cidr, lan))) {
    r.report(
      key("rtx.lanAddress"),
      `${rtx.lanAddress} is outside site.cidrs (${site.cidrs.join(", ")}); the keepalive and track probes must come back through the tunnel`,
    );
  }
}

function checkIsatapRouter(
  r: ConfigReader,
  isatapRouter: string,
  siteCidrs: Ipv4Cidr[],
  gateways: GatewayPlacement[] | undefined,
): void {
  const router = parseIpv4(isatapRouter) as number;
  if (siteCidrs.some((cidr) => cidrContains(cidr, router))) {
    r.report(
      key("ipv6.isatapRouter"),
      `${isatapRouter} is inside site.cidrs; the ISATAP router is on the AWS side`,
    );
  }
  if (gateways?.some((g) => g.privateIp === isatapRouter)) {
    r.report(key("ipv6.isatapRouter"), "is a gateway's own address");
  }
}

function parseCidrOrThrow(text: string): Ipv4Cidr {
  const [address, prefix] = text.split("/");
  return { network: parseIpv4(address) as number, prefix: Number(prefix) };
}

/** Reports each CIDR of a list that overlaps an earlier one of the same list. */
function reportOverlapsWithin(r: ConfigReader, path: string, list: Ipv4Cidr[]): void {
  list.forEach((b, j) => {
    const i = list.findIndex((a, k) => k < j && cidrsOverlap(a, b));
    if (i >= 0)
      r.report(`${path}[${j}]`, `${formatIpv4Cidr(b)} overlaps [${i}] ${formatIpv4Cidr(list[i])}`);
  });
}

/** Reports each CIDR of a list that overlaps one of another list. */
function reportOverlapsAcross(
  r: ConfigReader,
  path: string,
  list: Ipv4Cidr[],
  othersPath: string,
  others: Ipv4Cidr[],
): void {
  list.forEach((a, i) => {
    others.forEach((b, j) => {
      if (cidrsOverlap(a, b))
        r.report(
          `${path}[${i}]`,
          `${formatIpv4Cidr(a)} overlaps ${othersPath}[${j}] ${formatIpv4Cidr(b)}`,
        );
    });
  });
}

function reportDuplicates(r: ConfigReader, path: string, items: string[]): void {
  items.forEach((item, i) => {
    if (items.indexOf(item) !== i)
      r.report(
        `${path}[${i}]`,
        `duplicates ${path.split(".").pop()}[${items.indexOf(item)}] (${item})`,
      );
  });
}
