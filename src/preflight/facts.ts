/**
 * What the AWS preflight knows about the account, as plain data: read through the provider's
 * lookups by components/lib/awsFacts.ts, checked by the pure functions beside this file.
 */

export interface SubnetFacts {
  id: string;
  vpcId: string;
  availabilityZone: string;
  /** IPv4 CIDR, "a.b.c.d/len". */
  cidrBlock: string;
  /** The subnet's IPv6 /64, absent when it has none. */
  ipv6CidrBlock?: string;
}

/** One IPv4 route of a table: its destination and its target's id ("tgw-…", "eni-…", "local"). */
export interface RouteFacts {
  destination: string;
  target: string;
}

export interface RouteTableFacts {
  id: string;
  vpcId: string;
  routes: RouteFacts[];
}

/** A lookup's answer, or the provider's error text when it failed (not found, no permission). */
export type Lookup<T> = { found: T } | { error: string };

export interface AwsFacts {
  /** Keyed by subnet id, one per gateway subnet. */
  subnets: Record<string, Lookup<SubnetFacts>>;
  /** Keyed by route table id, one per managed table. */
  routeTables: Record<string, Lookup<RouteTableFacts>>;
  /** ENIs tagged with this site: the gateways' own, so a route to one is this stack's. */
  siteNetworkInterfaces: Lookup<string[]>;
}

/** One problem: the stack key it concerns and what to do. */
export interface PreflightProblem {
  path: string;
  message: string;
}
