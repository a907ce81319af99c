/** Shared naming and tagging rules for the components' children. */

/** Type-token prefix of every component of the project. */
export const TOKEN_PREFIX = "vpc-ipip6-gateway:aws";

/** A Pulumi-name-safe form of an IPv4/IPv6 CIDR: "192.168.10.0/24" -> "192.168.10.0-24". */
export function cidrSlug(cidr: string): string {
  return cidr.replace(/\//g, "-").replace(/:/g, ".");
}

/** Tags every taggable resource carries: a readable Name and the site that owns it. */
/** The tag that marks a resource as this project's, valued with the site name. */
export const SITE_TAG = "vpc-ipip6-gateway:site";

export function siteTags(site: string, name: string): Record<string, string> {
  return { Name: name, [SITE_TAG]: site };
}

/** True for an IPv6 CIDR or address (the only inputs here are validated IPv4 or IPv6 text). */
export function isIpv6(cidrOrAddress: string): boolean {
  return cidrOrAddress.includes(":");
}
