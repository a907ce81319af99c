/** `vpc`: the VPC, its IPv4 networks and the route tables that follow the active gateway. */

import { formatIpv4Cidr } from "../../net/ipv4";
import { fullKey, keysOf } from "../contract";
import { awsId, ipv4CidrList } from "../fields";
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
  return id && cidrs && routeTableIds
    ? { id, cidrs: cidrs.map(formatIpv4Cidr), routeTableIds }
    : undefined;
}
