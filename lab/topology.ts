/**
 * The lab's addresses and MTUs, derived from the stack (and its rendered site) so the lab runs the
 * stack's own topology: gateways in their own subnets at their pinned private IPs, the VPC host in
 * the VPC, the ISATAP router at its configured address, the RTX at its configured addresses.
 */

import { StackConfig } from "../src/config/types";
import { cidrContains, formatIpv4, Ipv4Cidr, ipv4CidrOrThrow, ipv4OrThrow } from "../src/net/ipv4";
import { parseIpv6Prefix } from "../src/net/ipv6";
import { isatapAddress } from "../src/net/isatap";
import { RenderedSite } from "../src/render/types";

export interface LabGateway {
  name: string;
  privateIp: string;
  prefix: number;
  /** The VPC router's address in the gateway's subnet (the subnet's first host, as on AWS). */
  router: string;
  ipv6Address?: string;
  tunnelAddress: string;
  mac: string;
  eni: string;
  instanceId: string;
}

export interface LabTopology {
  mode: "isatap" | "native";
  region: string;
  interfaceName: string;
  gateways: LabGateway[];
  vpcId: string;
  vpcHost: { ip: string; prefix: number; router: string; subnet: string };
  /**
   * Where ec2.<region>.amazonaws.com resolves: an address in the VPC host's subnet, as an EC2
   * interface endpoint with private DNS has (docs/pulumi.md); vpc-router answers on it.
   */
  ec2Endpoint: string;
  /** CloudWatch's interface endpoint: another private address in the VPC host's subnet. */
  monitoringEndpoint: string;
  /** MTU of the VPC's links (the gateways' ENIs): the underlay in isatap mode, the path in native. */
  vpcLinkMtu: number;
  uplinkMtu: number;
  pathMtu: number;
  isatapRouter?: string;
  isatapRouterV6?: string;
  /** Address of vpc-router on its link to the ISATAP router (link-local range, never in a stack). */
  uplinkV4: string;
  rtx: { ipv6Address: string; lanAddress: string; lanPrefix: number };
  siteHost: string;
  siteCidrs: string[];
  vpcCidrs: string[];
  routeTableIds: string[];
}

const UPLINK_V4 = "169.254.255.1";

const ip = ipv4OrThrow;
const cidr = ipv4CidrOrThrow;

function networkOf(address: number, prefix: number): number {
  return prefix === 0 ? 0 : (address & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
}

/**
 * The longest-lived guess of the gateways' subnets: /24s (the common VPC layout), narrowed
 * until the two private IPs fall in different subnets, never wider than the VPC itself.
 */
export function gatewaySubnetPrefix(a: string, b: string, vpcPrefix: number): number {
  for (let prefix = Math.max(24, vpcPrefix); prefix <= 30; prefix++) {
    if (networkOf(ip(a), prefix) !== networkOf(ip(b), prefix)) return prefix;
  }
  throw new Error(`gateways ${a} and ${b} cannot be put in two different subnets`);
}

/** The subnet's router: its first host, or its last when the first is the given address. */
export function subnetRouter(address: string, prefix: number): string {
  const network = networkOf(ip(address), prefix);
  const first = network + 1;
  const last = network + 2 ** (32 - prefix) - 2;
  return formatIpv4(first === ip(address) ? last : first);
}

/** A host address inside `within`, not in `avoid`, from network+10 on (then from network+2). */
export function pickHost(within: string, avoid: readonly string[]): string {
  const c = cidr(within);
  const size = 2 ** (32 - c.prefix);
  const taken = new Set(avoid.map(ip));
  const candidates = [...range(10, size - 1), ...range(2, Math.min(10, size - 1))];
  for (const offset of candidates) {
    const candidate = c.network + offset;
    if (!taken.has(candidate)) return formatIpv4(candidate);
  }
  throw new Error(`no free host address in ${within}`);
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

/** A subnet of the VPC for the VPC host, clear of the gateways' subnets and the ISATAP router. */
export function pickVpcHostSubnet(
  vpcCidr: string,
  prefix: number,
  avoid: readonly string[],
): string {
  const vpc = cidr(vpcCidr);
  const size = 2 ** (32 - prefix);
  const count = 2 ** (prefix - vpc.prefix);
  for (let i = count - 1; i >= 0; i--) {
    const subnet: Ipv4Cidr = { network: vpc.network + i * size, prefix };
    if (!avoid.some((a) => cidrContains(subnet, ip(a))))
      return `${formatIpv4(subnet.network)}/${prefix}`;
  }
  throw new Error(`no /${prefix} in ${vpcCidr} left for the VPC host`);
}

function hex17(n: number): string {
  return n.toString(16).padStart(17, "0");
}

export function planTopology(config: StackConfig, rendered: RenderedSite): LabTopology {
  const [a, b] = config.gateways;
  const vpcCidr = cidr(config.vpc.cidrs[0]);
  const prefix = gatewaySubnetPrefix(a.privateIp, b.privateIp, vpcCidr.prefix);
  const gateways = rendered.gateways.map((g, i): LabGateway => ({
    name: g.name,
    privateIp: g.privateIp,
    prefix,
    router: subnetRouter(g.privateIp, prefix),
    ipv6Address: config.gateways[i].ipv6Address,
    tunnelAddress: g.tunnelAddress,
    mac: `02:00:5e:1a:b0:${(0x0a + i).toString(16).padStart(2, "0")}`,
    eni: `eni-${hex17(0x1ab0a + i)}`,
    instanceId: `i-${hex17(0x1ab0a + i)}`,
  }));
  const avoid = [
    a.privateIp,
    b.privateIp,
    ...(config.ipv6.isatapRouter ? [config.ipv6.isatapRouter] : []),
  ];
  const hostSubnet = pickVpcHostSubnet(config.vpc.cidrs[0], prefix, avoid);
  const hostRouter = formatIpv4(cidr(hostSubnet).network + 1);
  const lanCidr = config.site.cidrs.find((c) => cidrContains(cidr(c), ip(config.rtx.lanAddress)));
  if (!lanCidr) throw new Error(`rtx.lanAddress ${config.rtx.lanAddress} is in none of site.cidrs`);
  const isatap = config.ipv6.mode === "isatap";
  const vpcHostIp = pickHost(hostSubnet, [hostRouter]);
  const ec2Endpoint = pickHost(hostSubnet, [hostRouter, vpcHostIp]);
  return {
    mode: config.ipv6.mode,
    region: config.region ?? "ap-northeast-1",
    interfaceName: config.gateway.interfaceName,
    gateways,
    vpcId: config.vpc.id,
    vpcHost: { ip: vpcHostIp, prefix, router: hostRouter, subnet: hostSubnet },
    ec2Endpoint,
    monitoringEndpoint: pickHost(hostSubnet, [hostRouter, vpcHostIp, ec2Endpoint]),
    vpcLinkMtu: isatap ? config.ipv6.underlayMtu : config.ipv6.pathMtu,
    uplinkMtu: isatap ? config.ipv6.underlayMtu : config.ipv6.pathMtu,
    pathMtu: config.ipv6.pathMtu,
    isatapRouter: config.ipv6.isatapRouter,
    isatapRouterV6: isatap ? isatapRouterAddress(config) : undefined,
    uplinkV4: UPLINK_V4,
    rtx: {
      ipv6Address: config.rtx.ipv6Address,
      lanAddress: config.rtx.lanAddress,
      lanPrefix: cidr(lanCidr).prefix,
    },
    siteHost: pickHost(lanCidr, [config.rtx.lanAddress]),
    siteCidrs: [...config.site.cidrs],
    vpcCidrs: [...config.vpc.cidrs],
    routeTableIds: [...config.vpc.routeTableIds],
  };
}

function isatapRouterAddress(config: StackConfig): string {
  const parsed = parseIpv6Prefix(config.ipv6.isatapPrefix ?? "");
  if ("error" in parsed) throw new Error(`ipv6.isatapPrefix: ${parsed.error}`);
  return isatapAddress(parsed.prefix.groups, ip(config.ipv6.isatapRouter ?? ""));
}
