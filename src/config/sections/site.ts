/** `site`: the name and the IPv4 networks behind the RTX. */

import { formatIpv4Cidr } from "../../net/ipv4";
import { fullKey, keysOf } from "../contract";
import { ipv4CidrList } from "../fields";
import { reportOverlapsWithin } from "../list-checks";
import { ConfigReader } from "../reader";
import { SiteConfig } from "../types";

export function readSite(r: ConfigReader, value: unknown): SiteConfig | undefined {
  const p = fullKey("site");
  const o = r.object(p, value, keysOf("site"));
  if (!o) return undefined;
  const name = r.required(
    `${p}.name`,
    r.string(`${p}.name`, o.name, /^[a-z0-9-]{1,32}$/, "1 to 32 of a-z, 0-9 and -"),
  );
  const cidrs = r.required(`${p}.cidrs`, ipv4CidrList(r, `${p}.cidrs`, o.cidrs));
  if (cidrs) reportOverlapsWithin(r, `${p}.cidrs`, cidrs);
  return name && cidrs ? { name, cidrs: cidrs.map(formatIpv4Cidr) } : undefined;
}
