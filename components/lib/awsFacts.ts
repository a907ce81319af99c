/**
 * Reads what the AWS preflight checks (src/preflight/) through the provider's lookups: each
 * gateway subnet, each managed route table with its routes, and the ENIs tagged with this site.
 * Invokes run in `pulumi preview` as in `pulumi up`, before any resource is declared.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../../src/config/types";
import { awsPreflight, preflightMessage } from "../../src/preflight/aws";
import { AwsFacts, Lookup, PreflightProblem, RouteFacts } from "../../src/preflight/facts";
import { SITE_TAG } from "./naming";

/** Target fields of a route as the route-table lookup returns them (unset ones are ""). */
const TARGET_FIELDS = [
  "networkInterfaceId",
  "transitGatewayId",
  "gatewayId",
  "natGatewayId",
  "vpcPeeringConnectionId",
  "vpcEndpointId",
  "egressOnlyGatewayId",
  "localGatewayId",
  "carrierGatewayId",
  "coreNetworkArn",
  "odbNetworkArn",
  "instanceId",
] as const;

type LookupRoute = Partial<Record<(typeof TARGET_FIELDS)[number] | "cidrBlock", string>>;

/** The IPv4 routes of a lookup answer, each with the id of its target ("no target" when the lookup gives none). */
export function routeFactsOf(routes: readonly LookupRoute[]): RouteFacts[] {
  return routes
    .filter((route) => !!route.cidrBlock)
    .map((route) => ({
      destination: route.cidrBlock as string,
      target: TARGET_FIELDS.map((field) => route[field]).find((id) => !!id) ?? "no target",
    }));
}

async function lookup<T>(read: () => Promise<T>): Promise<Lookup<T>> {
  try {
    return { found: await read() };
  } catch (error) {
    // Under some runtimes an invoke's rejection carries no message; say so rather than print "".
    const message = error instanceof Error ? error.message : String(error);
    return { error: message || "the provider's lookup failed without a message" };
  }
}

export async function readAwsFacts(config: StackConfig): Promise<AwsFacts> {
  const subnetIds = [...new Set(config.gateways.map((g) => g.subnetId))];
  const subnets = await Promise.all(
    subnetIds.map((id) =>
      lookup(async () => {
        const s = await aws.ec2.getSubnet({ id });
        const ipv6 = s.ipv6CidrBlock || undefined;
        return {
          id,
          vpcId: s.vpcId,
          availabilityZone: s.availabilityZone,
          cidrBlock: s.cidrBlock,
          ...(ipv6 ? { ipv6CidrBlock: ipv6 } : {}),
        };
      }),
    ),
  );
  const tables = await Promise.all(
    config.vpc.routeTableIds.map((routeTableId) =>
      lookup(async () => {
        const t = await aws.ec2.getRouteTable({ routeTableId });
        return { id: routeTableId, vpcId: t.vpcId, routes: routeFactsOf(t.routes) };
      }),
    ),
  );
  const enis = await lookup(async () => {
    const found = await aws.ec2.getNetworkInterfaces({
      filters: [
        { name: `tag:${SITE_TAG}`, values: [config.site.name] },
        { name: "vpc-id", values: [config.vpc.id] },
      ],
    });
    return found.ids;
  });
  return {
    subnets: Object.fromEntries(subnetIds.map((id, i) => [id, subnets[i]])),
    routeTables: Object.fromEntries(config.vpc.routeTableIds.map((id, i) => [id, tables[i]])),
    siteNetworkInterfaces: enis,
  };
}

/** The preflight's refusal. A RunError, so Pulumi prints the problems without a stack trace. */
export class AwsPreflightError extends pulumi.RunError {
  constructor(readonly problems: PreflightProblem[]) {
    super(preflightMessage(problems));
    this.name = "AwsPreflightError";
  }
}

/**
 * Reads the facts and checks them; throws every problem at once, before any resource exists.
 * Returns the import ids of the existing routes `vpc.adoptRoutes` takes over.
 */
export async function checkAwsBeforeDeploy(config: StackConfig): Promise<string[]> {
  const verdict = awsPreflight(config, await readAwsFacts(config));
  if (verdict.problems.length > 0) throw new AwsPreflightError(verdict.problems);
  for (const note of verdict.notes) void pulumi.log.warn(note);
  return verdict.routeImports;
}
