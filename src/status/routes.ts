/**
 * The managed routes' targets, read from EC2 (DescribeRouteTables, DescribeNetworkInterfaces) and
 * named by gateway. Read-only: the client is given, so tests hand in a mocked one.
 */
import {
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  EC2Client,
  Route,
  RouteTable,
} from "@aws-sdk/client-ec2";
import { RoutesView, RouteTarget, RouteView } from "./types";

export interface ManagedRoute {
  routeTableId: string;
  destinationCidrBlock: string;
}

export interface GatewayAddress {
  name: string;
  privateIp: string;
}

/** What one route in a table points at, with ENIs named by the gateway they belong to. */
export function routeTarget(
  route: Route | undefined,
  gatewayByEni: Map<string, string>,
): RouteTarget {
  if (!route) return { kind: "missing" };
  const eni = route.NetworkInterfaceId;
  // EC2 marks a route "blackhole" when its target is gone or stopped; it carries no traffic.
  if (route.State === "blackhole") return { kind: "blackhole", networkInterfaceId: eni };
  const gateway = eni ? gatewayByEni.get(eni) : undefined;
  if (eni && gateway) return { kind: "gateway", gateway, networkInterfaceId: eni };
  return { kind: "other", description: describeTarget(route) };
}

function describeTarget(route: Route): string {
  const fields: Array<keyof Route> = [
    "NetworkInterfaceId",
    "InstanceId",
    "GatewayId",
    "NatGatewayId",
    "TransitGatewayId",
    "VpcPeeringConnectionId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "EgressOnlyInternetGatewayId",
    "CoreNetworkArn",
  ];
  const found = fields.find((f) => route[f] !== undefined);
  return found ? `${found} ${String(route[found])}` : "an unknown target";
}

/** Every managed route with its target; a table EC2 did not return makes its routes "missing". */
export function classifyRoutes(
  managed: readonly ManagedRoute[],
  tables: readonly RouteTable[],
  gatewayByEni: Map<string, string>,
): RouteView[] {
  return managed.map((m) => {
    const table = tables.find((t) => t.RouteTableId === m.routeTableId);
    const route = table?.Routes?.find((r) => r.DestinationCidrBlock === m.destinationCidrBlock);
    return { ...m, target: routeTarget(route, gatewayByEni) };
  });
}

/** Every (table × site CIDR) the stack manages, in the order the stack creates them. */
export function managedRoutes(routeTableIds: string[], cidrs: string[]): ManagedRoute[] {
  return routeTableIds.flatMap((routeTableId) =>
    cidrs.map((destinationCidrBlock) => ({ routeTableId, destinationCidrBlock })),
  );
}

/** The gateways' ENIs, found by their pinned private IPs in the VPC. */
export async function gatewayEnis(
  ec2: EC2Client,
  vpcId: string,
  gateways: readonly GatewayAddress[],
): Promise<Map<string, string>> {
  const answer = await ec2.send(
    new DescribeNetworkInterfacesCommand({
      Filters: [
        { Name: "vpc-id", Values: [vpcId] },
        { Name: "addresses.private-ip-address", Values: gateways.map((g) => g.privateIp) },
      ],
    }),
  );
  const byEni = new Map<string, string>();
  for (const eni of answer.NetworkInterfaces ?? []) {
    const ips = (eni.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress);
    const gateway = gateways.find(
      (g) => ips.includes(g.privateIp) || eni.PrivateIpAddress === g.privateIp,
    );
    if (gateway && eni.NetworkInterfaceId) byEni.set(eni.NetworkInterfaceId, gateway.name);
  }
  return byEni;
}

export interface ReadRoutesInput {
  vpcId: string;
  routeTableIds: string[];
  cidrs: string[];
  gateways: GatewayAddress[];
}

/** Reads the routes; any AWS error (credentials, permissions, network) becomes the view's error. */
export async function readRoutes(ec2: EC2Client, input: ReadRoutesInput): Promise<RoutesView> {
  try {
    const byEni = await gatewayEnis(ec2, input.vpcId, input.gateways);
    const answer = await ec2.send(
      new DescribeRouteTablesCommand({ RouteTableIds: input.routeTableIds }),
    );
    const routes = classifyRoutes(
      managedRoutes(input.routeTableIds, input.cidrs),
      answer.RouteTables ?? [],
      byEni,
    );
    return { routes };
  } catch (error) {
    return { error: awsErrorText(error) };
  }
}

/** "Name: message" of an SDK error, one line. The SDK never puts a secret key in a message. */
export function awsErrorText(error: unknown): string {
  const e = error as { name?: string; message?: string };
  const message = (e.message ?? String(error)).split("\n")[0];
  return e.name && e.name !== "Error" ? `${e.name}: ${message}` : message;
}
