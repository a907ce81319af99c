/** Readers for the value kinds of the contract: addresses, CIDRs, AWS ids, SSH keys. */

import {
  canonicalIpv6,
  isIpv4MappedIpv6,
  isUnusableTunnelEndpoint,
  parseIpv6,
  parseIpv6Prefix,
  formatIpv6,
} from "../net/ipv6";
import { Ipv4Cidr, parseIpv4, parseIpv4Cidr } from "../net/ipv4";
import { parseSshPublicKey } from "../net/ssh-public-key";
import { ConfigReader } from "./reader";

/**
 * AWS resource ids: prefix, a dash, then lowercase hex digits (AWS issues 8 or 17; shorter
 * placeholders such as `rtb-0aaa` are accepted, anything else is refused).
 */
export function awsId(
  r: ConfigReader,
  path: string,
  value: unknown,
  prefix: string,
): string | undefined {
  const pattern = new RegExp(`^${prefix}-[0-9a-f]{1,17}$`);
  return r.string(path, value, pattern, `a ${prefix}- id (${prefix}- and up to 17 hex digits)`);
}

export function ipv4Address(r: ConfigReader, path: string, value: unknown): string | undefined {
  const text = r.string(path, value);
  if (text === undefined) return undefined;
  if (parseIpv4(text) === undefined)
    return r.report(path, prefixLengthMessage(text, "IPv4") ?? `"${text}" is not an IPv4 address`);
  return text;
}

export function ipv4Cidr(r: ConfigReader, path: string, value: unknown): Ipv4Cidr | undefined {
  const text = r.string(path, value);
  if (text === undefined) return undefined;
  const parsed = parseIpv4Cidr(text);
  return "error" in parsed ? r.report(path, parsed.error) : parsed.cidr;
}

export function ipv4CidrList(
  r: ConfigReader,
  path: string,
  value: unknown,
): Ipv4Cidr[] | undefined {
  return r.listOf(path, value, (p, v) => ipv4Cidr(r, p, v), { min: 1 });
}

/** A unicast IPv6 address usable as a tunnel endpoint, returned in canonical form. */
export function ipv6Endpoint(r: ConfigReader, path: string, value: unknown): string | undefined {
  const text = r.string(path, value);
  if (text === undefined) return undefined;
  const groups = parseIpv6(text);
  if (!groups)
    return r.report(path, prefixLengthMessage(text, "IPv6") ?? `"${text}" is not an IPv6 address`);
  if (isUnusableTunnelEndpoint(groups)) {
    return r.report(
      path,
      `${text} cannot be a tunnel endpoint (unspecified, loopback, link-local or multicast)`,
    );
  }
  if (isIpv4MappedIpv6(groups)) {
    return r.report(
      path,
      `${text} is an IPv4-mapped address (::ffff:0:0/96), never seen on an IPv6 network; give the IPv6 address of the tunnel's end`,
    );
  }
  return canonicalIpv6(text);
}

/** An IPv6 /64, returned in canonical "x::/64" form. */
export function ipv6Slash64(r: ConfigReader, path: string, value: unknown): string | undefined {
  const text = r.string(path, value);
  if (text === undefined) return undefined;
  const parsed = parseIpv6Prefix(text);
  if ("error" in parsed) return r.report(path, parsed.error);
  if (parsed.prefix.length !== 64) {
    return r.report(path, `ISATAP addresses are formed in a /64; got /${parsed.prefix.length}`);
  }
  return `${formatIpv6(parsed.prefix.groups)}/64`;
}

/**
 * An address given with a prefix length (`2001:db8::10/64`, `10.0.1.10/24`) where the key takes
 * an address alone: say to drop the length; undefined when the text is not that.
 */
function prefixLengthMessage(text: string, family: "IPv4" | "IPv6"): string | undefined {
  const m = /^([^/\s]+)(\/\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const ok = family === "IPv4" ? parseIpv4(m[1]) !== undefined : parseIpv6(m[1]) !== undefined;
  return ok
    ? `"${text}" has a prefix length: this key takes the ${family} address alone; drop the ${m[2]}`
    : undefined;
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** Where SSH reaches a host: IPv4, IPv6 or a DNS name. */
export function sshHost(r: ConfigReader, path: string, value: unknown): string | undefined {
  const text = r.string(path, value);
  if (text === undefined) return undefined;
  if (parseIpv4(text) !== undefined) return text;
  const prefixed = prefixLengthMessage(text, text.includes(":") ? "IPv6" : "IPv4");
  if (prefixed) return r.report(path, prefixed);
  if (text.includes(":"))
    return canonicalIpv6(text) ?? r.report(path, `"${text}" is not an IPv6 address`);
  if (/^[\d.]+$/.test(text)) return r.report(path, `"${text}" is not an IPv4 address`);
  return HOSTNAME.test(text) ? text : r.report(path, `"${text}" is not a host name or address`);
}

/** A public host key in authorized_keys form, returned as "<type> <base64>" (comment dropped). */
export function sshPublicKey(r: ConfigReader, path: string, value: unknown): string | undefined {
  const text = r.string(path, value);
  if (text === undefined) return undefined;
  const parsed = parseSshPublicKey(text);
  return "error" in parsed ? r.report(path, parsed.error) : `${parsed.type} ${parsed.base64}`;
}

const LINUX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

export function linuxUser(r: ConfigReader, path: string, value: unknown): string | undefined {
  return r.string(path, value, LINUX_USER, "a Linux user name");
}

/** The value read from `raw`, or the default when the key is absent or empty (a bad value stays undefined). */
export function orDefault<T>(
  raw: unknown,
  fallback: T,
  read: (value: unknown) => T | undefined,
): T | undefined {
  return raw == null ? fallback : read(raw);
}
