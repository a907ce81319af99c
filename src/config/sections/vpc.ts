/** `vpc`: the VPC, its IPv4 networks and the route tables that follow the active gateway. */

import { formatIpv4Cidr, parseIpv4Cidr } from "../../net/ipv4";
import { fullKey, keysOf } from "../contract";
import { awsId, ipv4CidrList, orDefault } from "../fields";
import { reportDuplicates, reportOverlapsWithin } from "../list-checks";
import { ConfigReader } from "../reader";
import { VpcConfig } from "../types";

export function readVpc(r: ConfigReader, value: unknown): VpcConfig | undefined {
  const p = fullKey("vpc");
  const o = r.object(p, value, keysOf("vpc"));
  if (!o) return undefined;
  const id = r.required(`${p}.id`, awsId(r, `${p}.id`, o.id, "vpc"));
  const cidrs = r.required(`${p}.cidrs`, ipv4CidrList(r, `${p}.cidrs`, o.cidrs));
  if (cidrs) reportOverlapsWithin(r, `${p}.cidrs`, cidrs);
  const routeTableIds = r.required(
    `${p}.routeTableIds`,
    r.listOf(`${p}.routeTableIds`, o.routeTableIds, (ip, v) => awsId(r, ip, v, "rtb"), { min: 1 }),
  );
  if (routeTableIds) reportDuplicates(r, `${p}.routeTableIds`, routeTableIds);
  const adoptRoutes = routeRefs(r, `${p}.adoptRoutes`, o.adoptRoutes, routeTableIds);
  const overrideRoutes = routeRefs(r, `${p}.overrideRoutes`, o.overrideRoutes, routeTableIds);
  return id && cidrs && routeTableIds && adoptRoutes && overrideRoutes
    ? { id, cidrs: cidrs.map(formatIpv4Cidr), routeTableIds, adoptRoutes, overrideRoutes }
    : undefined;
}

const ROUTE_REF = /^(rtb-[0-9a-f]{1,17})_([^_]+)$/;

/** A list of `rtb-…_a.b.c.d/len` (the Route import id form), each table one of the managed ones. */
function routeRefs(
  r: ConfigReader,
  path: string,
  value: unknown,
  routeTableIds: string[] | undefined,
): string[] | undefined {
  const list = orDefault(value, [], (v) =>
    r.listOf(path, v, (ip, item) => routeRef(r, ip, item, routeTableIds)),
  );
  if (list) reportDuplicates(r, path, list);
  return list;
}

function routeRef(
  r: ConfigReader,
  path: string,
  value: unknown,
  routeTableIds: string[] | undefined,
): string | undefined {
  const text = r.string(path, value, ROUTE_REF, "a route as rtb-…_a.b.c.d/len");
  const match = text === undefined ? null : ROUTE_REF.exec(text);
  if (!match) return undefined;
  const parsed = parseIpv4Cidr(match[2]);
  if ("error" in parsed) return r.report(path, parsed.error);
  if (routeTableIds && !routeTableIds.includes(match[1])) {
    return r.report(path, `names ${match[1]}, which is not one of vpc.routeTableIds`);
  }
  return `${match[1]}_${formatIpv4Cidr(parsed.cidr)}`;
}
