/**
 * Checks that need more than one section. Each runs only when the sections it reads are valid,
 * so a mistake is reported once, where it was made.
 */

import { broadcastOf, cidrContains, Ipv4Cidr, ipv4CidrOrThrow, ipv4OrThrow } from "../../net/ipv4";
import { parseIpv6Prefix } from "../../net/ipv6";
import { isatapAddress } from "../../net/isatap";
import { fullKey } from "../contract";
import { reportOverlapsAcross } from "../list-checks";
import { ConfigReader } from "../reader";
import { GatewayPlacement, Ipv6Config, RtxConfig, SiteConfig, VpcConfig } from "../types";

/** The sections a cross-check may need; each check runs when its own sections are valid. */
export interface CrossInputs {
  site?: SiteConfig;
  vpc?: VpcConfig;
  gateways?: GatewayPlacement[];
  ipv6?: Ipv6Config;
  rtx?: RtxConfig;
}

export function crossCheck(r: ConfigReader, c: CrossInputs): void {
  const siteCidrs = c.site?.cidrs.map(ipv4CidrOrThrow);
  const vpcCidrs = c.vpc?.cidrs.map(ipv4CidrOrThrow);
  if (siteCidrs && vpcCidrs) {
    reportOverlapsAcross(r, fullKey("site.cidrs"), siteCidrs, "vpc.cidrs", vpcCidrs);
  }
  if (c.gateways && c.vpc && vpcCidrs) checkPrivateIps(r, c.gateways, c.vpc, vpcCidrs);
  if (c.vpc && c.site) checkRouteRefs(r, c.vpc, c.site);
  if (c.gateways && c.rtx) checkRtxAddressNotAGateways(r, c.gateways, c.rtx, c.ipv6);
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
    const ip = ipv4OrThrow(g.privateIp);
    const home = vpcCidrs.find((cidr) => cidrContains(cidr, ip));
    const p = `${fullKey("gateways")}[${i}].privateIp`;
    if (!home) r.report(p, `${g.privateIp} is outside vpc.cidrs (${vpc.cidrs.join(", ")})`);
    else if (ip === home.network || ip === broadcastOf(home))
      r.report(p, `${g.privateIp} is a network or broadcast address`);
  });
}

/**
 * Each tunnel has two ends: the RTX's (rtx.ipv6Address) and a gateway's, which is
 * gateways[i].ipv6Address in native mode and derived from ipv6.isatapPrefix and the gateway's
 * private IP in isatap mode. The RTX cannot end a tunnel at the gateway's own address.
 */
function checkRtxAddressNotAGateways(
  r: ConfigReader,
  gateways: GatewayPlacement[],
  rtx: RtxConfig,
  ipv6: Ipv6Config | undefined,
): void {
  const prefix = ipv6?.isatapPrefix ? parseIpv6Prefix(ipv6.isatapPrefix) : undefined;
  gateways.forEach((g, i) => {
    const isatap =
      prefix && "prefix" in prefix
        ? isatapAddress(prefix.prefix.groups, ipv4OrThrow(g.privateIp))
        : undefined;
    const own =
      g.ipv6Address === rtx.ipv6Address
        ? `gateways[${i}].ipv6Address`
        : isatap === rtx.ipv6Address
          ? `gateways[${i}]'s own ISATAP address (ipv6.isatapPrefix + gateways[${i}].privateIp)`
          : undefined;
    if (own) {
      r.report(
        fullKey("rtx.ipv6Address"),
        `${rtx.ipv6Address} is ${own}, the gateway's end of the tunnel; give the RTX's own IPv6 address`,
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
  const lan = ipv4OrThrow(rtx.lanAddress);
  const home = siteCidrs.find((cidr) => cidrContains(cidr, lan));
  if (!home) {
    r.report(
      fullKey("rtx.lanAddress"),
      `${rtx.lanAddress} is outside site.cidrs (${site.cidrs.join(", ")}); the keepalive and track probes must come back through the tunnel`,
    );
  } else if (home.prefix < 31 && (lan === home.network || lan === broadcastOf(home))) {
    // /31 (RFC 3021) and /32 have no network or broadcast address to avoid.
    const which = lan === home.network ? "network" : "broadcast";
    r.report(
      fullKey("rtx.lanAddress"),
      `${rtx.lanAddress} is the ${which} address of site network ${site.cidrs[siteCidrs.indexOf(home)]}; give the RTX's own address on that network`,
    );
  }
}

function checkIsatapRouter(
  r: ConfigReader,
  isatapRouter: string,
  siteCidrs: Ipv4Cidr[],
  gateways: GatewayPlacement[] | undefined,
): void {
  const router = ipv4OrThrow(isatapRouter);
  if (siteCidrs.some((cidr) => cidrContains(cidr, router))) {
    r.report(
      fullKey("ipv6.isatapRouter"),
      `${isatapRouter} is inside site.cidrs; the ISATAP router is on the AWS side`,
    );
  }
  if (gateways?.some((g) => g.privateIp === isatapRouter)) {
    r.report(fullKey("ipv6.isatapRouter"), "is a gateway's own address");
  }
}

/** `vpc.adoptRoutes` and `vpc.overrideRoutes` name routes the stack manages: a site CIDR each. */
function checkRouteRefs(r: ConfigReader, vpc: VpcConfig, site: SiteConfig): void {
  for (const key of ["adoptRoutes", "overrideRoutes"] as const) {
    vpc[key].forEach((ref, i) => {
      const cidr = ref.slice(ref.indexOf("_") + 1);
      if (!site.cidrs.includes(cidr)) {
        r.report(
          fullKey(`vpc.${key}[${i}]`),
          `names ${cidr}, which is not one of site.cidrs (${site.cidrs.join(", ")})`,
        );
      }
    });
  }
}
