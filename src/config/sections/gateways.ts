/** `gateways`: where the two gateways sit (subnet, pinned private IP, native IPv6 address). */

import { fullKey, keysOf } from "../contract";
import { awsId, ipv4Address, ipv6Endpoint } from "../fields";
import { ConfigReader } from "../reader";
import { GatewayPlacement } from "../types";

export function readGateways(
  r: ConfigReader,
  value: unknown,
  mode: string | undefined,
): [GatewayPlacement, GatewayPlacement] | undefined {
  const p = fullKey("gateways");
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
  const o = r.object(p, value, keysOf("gateways"));
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
