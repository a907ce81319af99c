import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { TOKEN_PREFIX, cidrSlug } from "./lib/naming";

/**
 * Every target field of aws.ec2.Route. Pulumi never updates any of them after creation: the
 * active gateway's keepalived owns the target (docs/pulumi.md "Route ownership"; docs/design.md).
 */
export const ROUTE_TARGET_FIELDS = [
  "networkInterfaceId",
  "carrierGatewayId",
  "coreNetworkArn",
  "egressOnlyGatewayId",
  "gatewayId",
  "localGatewayId",
  "natGatewayId",
  "odbNetworkArn",
  "transitGatewayId",
  "vpcEndpointId",
  "vpcPeeringConnectionId",
];

/** Inputs of {@link FailoverRoutes}. */
export interface FailoverRoutesArgs {
  /** The managed route tables. */
  routeTableIds: string[];
  /** The site's IPv4 networks. */
  destinationCidrs: string[];
  /** The primary gateway's ENI: where the routes point when they are created, and only then. */
  initialNetworkInterfaceId: pulumi.Input<string>;
  /**
   * Import ids (`rtb-…_a.b.c.d/len`) of routes that exist already and are taken over with the
   * `import` resource option instead of created (docs/deploy.md "Routes that already exist").
   */
  adoptRoutes?: string[];
}

/** One managed route, for the stack outputs. */
export interface ManagedRoute {
  routeTableId: string;
  destinationCidrBlock: string;
}

/**
 * The site routes in every managed table. Created (after the caller's dependsOn: the standby's
 * health gate) pointing at the standby gateway, the one configured first, and deleted
 * on destroy; their only other inputs (table, destination) replace the route when changed, so
 * with the targets ignored no `pulumi up` ever sends an existing route anywhere (pulumi-aws #2524:
 * an update would resend the ignored target from state, which may be a failed gateway).
 */
export class FailoverRoutes extends pulumi.ComponentResource {
  public readonly routes: aws.ec2.Route[];
  public readonly managed: ManagedRoute[];

  constructor(name: string, args: FailoverRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}:FailoverRoutes`, name, {}, opts);
    this.managed = args.routeTableIds.flatMap((routeTableId) =>
      args.destinationCidrs.map((destinationCidrBlock) => ({ routeTableId, destinationCidrBlock })),
    );
    this.routes = this.managed.map(
      (route) =>
        new aws.ec2.Route(
          `${name}-${route.routeTableId}-${cidrSlug(route.destinationCidrBlock)}`,
          { ...route, networkInterfaceId: args.initialNetworkInterfaceId },
          // A component's dependsOn does not reach its children: each route waits itself.
          {
            parent: this,
            dependsOn: opts?.dependsOn,
            ignoreChanges: ROUTE_TARGET_FIELDS,
            ...importOf(route, args.adoptRoutes ?? []),
          },
        ),
    );
    this.registerOutputs({ managed: this.managed });
  }
}

/** The `import` option for a route listed to adopt; its id is ROUTETABLEID_DESTINATION. */
function importOf(route: ManagedRoute, adopt: string[]): { import?: string } {
  const id = `${route.routeTableId}_${route.destinationCidrBlock}`;
  return adopt.includes(id) ? { import: id } : {};
}
