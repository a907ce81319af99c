/** `ipv6`: how the gateways reach the closed IPv6 network (ISATAP or native) and the MTUs. */

import { isLinkLocalIpv6, isMulticastIpv6, parseIpv6Prefix } from "../../net/ipv6";
import { ipv4OrThrow, nonUnicastIpv4Reason } from "../../net/ipv4";
import { IPV4_HEADER, MAX_LINK_MTU, MIN_LINK_MTU } from "../../net/mtu";
import { defaultOf, fullKey, keysOf } from "../contract";
import { ipv4Address, ipv6Slash64 } from "../fields";
import { ConfigReader } from "../reader";
import { Ipv6Config } from "../types";

export function readIpv6(r: ConfigReader, value: unknown): Ipv6Config | undefined {
  const p = fullKey("ipv6");
  const o = r.object(p, value, keysOf("ipv6"));
  if (!o) return undefined;
  const mode = r.required(
    `${p}.mode`,
    r.string(`${p}.mode`, o.mode, /^(isatap|native)$/, "isatap or native"),
  ) as Ipv6Config["mode"] | undefined;
  const pathMtu =
    r.integer(`${p}.pathMtu`, o.pathMtu, MIN_LINK_MTU, MAX_LINK_MTU) ?? defaultOf("ipv6.pathMtu");
  const underlayMtu =
    r.integer(`${p}.underlayMtu`, o.underlayMtu, MIN_LINK_MTU + IPV4_HEADER, MAX_LINK_MTU) ??
    defaultOf("ipv6.underlayMtu");
  if (mode === "native") {
    for (const isatapOnly of ["isatapRouter", "isatapPrefix", "underlayMtu"]) {
      if (o[isatapOnly] !== undefined) r.report(`${p}.${isatapOnly}`, "is for isatap mode only");
    }
    return { mode, pathMtu, underlayMtu };
  }
  const isatapRouter = isatapRouterAddress(r, `${p}.isatapRouter`, o.isatapRouter);
  const isatapPrefix = isatapPrefix64(r, `${p}.isatapPrefix`, o.isatapPrefix);
  if (mode !== "isatap") return undefined;
  if (o.isatapRouter === undefined) r.report(`${p}.isatapRouter`, "is required in isatap mode");
  if (o.isatapPrefix === undefined) r.report(`${p}.isatapPrefix`, "is required in isatap mode");
  if (!isatapRouter || !isatapPrefix) return undefined;
  return { mode, isatapRouter, isatapPrefix, pathMtu, underlayMtu };
}

/** The router is a host the gateways list in their PRL and send to: it must be unicast. */
function isatapRouterAddress(r: ConfigReader, p: string, value: unknown): string | undefined {
  const text = ipv4Address(r, p, value);
  if (text === undefined) return undefined;
  const reason = nonUnicastIpv4Reason(ipv4OrThrow(text));
  if (reason === undefined) return text;
  return r.report(
    p,
    `${text} is ${reason}; give the unicast IPv4 address of the AWS-side ISATAP router`,
  );
}

/** Global addresses are formed in the prefix (RFC 5214 §6.1); link-local and multicast cannot be. */
function isatapPrefix64(r: ConfigReader, p: string, value: unknown): string | undefined {
  const text = ipv6Slash64(r, p, value);
  if (text === undefined) return undefined;
  const parsed = parseIpv6Prefix(text);
  const groups = "prefix" in parsed ? parsed.prefix.groups : [];
  const kind = isLinkLocalIpv6(groups)
    ? "link-local (fe80::/10)"
    : isMulticastIpv6(groups)
      ? "multicast (ff00::/8)"
      : undefined;
  if (kind === undefined) return text;
  return r.report(
    p,
    `${text} is ${kind}; give the global /64 the ISATAP router advertises for the gateways`,
  );
}
