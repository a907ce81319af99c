/**
 * The managed route tables against the stack file: their VPC, and the routes that already exist
 * for the site's networks. An exact route would make the Route's create fail mid-deploy with
 * RouteAlreadyExists; a broader one (through a transit gateway, VPN gateway, peering, NAT…)
 * carries the site's traffic today, and the gateways' more specific route takes it over.
 */

import { fullKey } from "../config/contract";
import { StackConfig } from "../config/types";
import { cidrContains, ipv4CidrOrThrow, parseIpv4Cidr } from "../net/ipv4";
import { AwsFacts, PreflightProblem, RouteFacts, RouteTableFacts } from "./facts";

/** The Route import id of the route for `cidr` in `routeTableId` (ROUTETABLEID_DESTINATION). */
export function routeRef(routeTableId: string, cidr: string): string {
  return `${routeTableId}_${cidr}`;
}

/** What the route checks found: problems, and the routes the program imports. */
export interface RouteVerdict {
  problems: PreflightProblem[];
  /** Import ids of the existing routes that `vpc.adoptRoutes` takes over. */
  imports: string[];
  /** `vpc.adoptRoutes` entries whose route is already this stack's (safe to remove). */
  alreadyOurs: string[];
}

export function routeVerdict(config: StackConfig, facts: AwsFacts): RouteVerdict {
  const verdict: RouteVerdict = { problems: [], imports: [], alreadyOurs: [] };
  const enis = facts.siteNetworkInterfaces;
  if ("error" in enis) {
    verdict.problems.push({
      path: fullKey("vpc.id"),
      message: `the ENIs tagged with this site in ${config.vpc.id} could not be listed: ${enis.error}; without them an existing route of this stack cannot be told from another's (the deploying identity needs ec2:DescribeNetworkInterfaces, docs/deploy-policy.json)`,
    });
    return verdict;
  }
  const ours = enis.found;
  config.vpc.routeTableIds.forEach((tableId, i) => {
    const key = fullKey(`vpc.routeTableIds[${i}]`);
    const lookup = facts.routeTables[tableId];
    if (!lookup || "error" in lookup) {
      const why = lookup ? lookup.error : "no answer";
      verdict.problems.push({
        path: key,
        message: `${tableId} could not be read: ${why}; check the id and the region`,
      });
      return;
    }
    const table = lookup.found;
    if (table.vpcId !== config.vpc.id) {
      verdict.problems.push({
        path: key,
        message: `${tableId} belongs to ${table.vpcId}, not to vpc.id ${config.vpc.id}; list only route tables of ${config.vpc.id}`,
      });
    }
    for (const cidr of config.site.cidrs) checkSiteCidr(config, ours, key, table, cidr, verdict);
  });
  return verdict;
}

function checkSiteCidr(
  config: StackConfig,
  ours: string[],
  key: string,
  table: RouteTableFacts,
  cidr: string,
  verdict: RouteVerdict,
): void {
  const ref = routeRef(table.id, cidr);
  const exact = table.routes.find((r) => r.destination === cidr);
  if (exact) {
    if (ours.includes(exact.target)) {
      if (config.vpc.adoptRoutes.includes(ref)) verdict.alreadyOurs.push(ref);
    } else if (config.vpc.adoptRoutes.includes(ref)) {
      verdict.imports.push(ref);
    } else {
      verdict.problems.push({ path: key, message: existingRouteMessage(table.id, cidr, exact) });
    }
    return;
  }
  const broader = coveringRoutes(table.routes, cidr);
  if (broader.length > 0 && !config.vpc.overrideRoutes.includes(ref)) {
    verdict.problems.push({ path: key, message: broaderRouteMessage(table.id, cidr, broader) });
  }
}

/**
 * Targets of a default route that cannot carry a site's private networks: the internet gateway
 * and NAT gateways send them to the internet, which drops them. Most private route tables hold
 * such a route; it carries nothing of the site, so the gateways' route takes nothing from it.
 */
const INTERNET_TARGET_PREFIXES = ["igw-", "nat-", "eigw-"];

/**
 * IPv4 routes less specific than `cidr` that contain it and may carry it today: not the VPC's
 * own (local), and not a default route to the internet.
 */
export function coveringRoutes(routes: RouteFacts[], cidr: string): RouteFacts[] {
  const site = ipv4CidrOrThrow(cidr);
  return routes.filter((route) => {
    const parsed = parseIpv4Cidr(route.destination);
    if ("error" in parsed || route.target === "local") return false;
    const toInternet = INTERNET_TARGET_PREFIXES.some((p) => route.target.startsWith(p));
    if (parsed.cidr.prefix === 0 && toInternet) return false;
    return parsed.cidr.prefix < site.prefix && cidrContains(parsed.cidr, site.network);
  });
}

function existingRouteMessage(tableId: string, cidr: string, route: RouteFacts): string {
  const ref = routeRef(tableId, cidr);
  return (
    `${tableId} already has a route for ${cidr} (to ${route.target}); creating the site's route ` +
    `would fail half-way through \`pulumi up\` with RouteAlreadyExists. To hand it to the ` +
    `gateways, add "${ref}" to vpc.adoptRoutes (the stack imports it and the active gateway ` +
    `points it at itself once the standby gateway passes its health gate; docs/deploy.md), ` +
    `or delete it, or leave ${tableId} out of vpc.routeTableIds`
  );
}

function broaderRouteMessage(tableId: string, cidr: string, routes: RouteFacts[]): string {
  const ref = routeRef(tableId, cidr);
  const today = routes.map((r) => `${r.destination} to ${r.target}`).join(", ");
  return (
    `in ${tableId}, ${cidr} is carried today by ${today}; the gateways' more specific route ` +
    `will take that traffic once the standby gateway passes its health gate. If that is ` +
    `intended, add "${ref}" to vpc.overrideRoutes; if not, leave ${tableId} out of vpc.routeTableIds`
  );
}
