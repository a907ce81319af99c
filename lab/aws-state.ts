/**
 * The EC2/IMDS stand-in's state for one lab run (lab/aws-standin/aws_standin.py --state): the
 * stack's region, VPC and route tables (each projected onto a Linux table of vpc-router), and per
 * gateway what IMDS knows of it (ENI, MAC, instance, role) and the role's credentials, fresh random
 * ones each run. The state file holds secrets: it goes into the guest only, mode 0600.
 */

import * as crypto from "crypto";
import { ROLLING_ORDER } from "../src/gateway/context";
import { LabTopology } from "./topology";

/** The lab's account and role name (never a real one). */
export const LAB_ACCOUNT_ID = "123456789012";
export const LAB_ROLE = "vpc-ipip6-gateway-lab-role";
/** vpc-router's Linux table for the i-th managed route table (lab/guest/topology.sh). */
export const ROUTE_TABLE_BASE = 100;

export interface StandinGatewayState {
  name: string;
  /** IMDS tells instances apart by the source address of the request: the private IP. */
  sourceIp: string;
  privateIp: string;
  eni: string;
  mac: string;
  instanceId: string;
  role: string;
  /** vpc-router's end of the gateway's ENI link: a route via a gateway whose link is gone is deleted. */
  link: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface StandinState {
  region: string;
  accountId: string;
  vpcId: string;
  vpcCidrs: string[];
  /** Route table id -> vpc-router's Linux table number. */
  routeTables: Record<string, number>;
  routes: Record<string, Record<string, string>>;
  gateways: StandinGatewayState[];
}

function randomText(bytes: number, encoding: "base64" | "hex"): string {
  return crypto.randomBytes(bytes).toString(encoding);
}

export function standinState(topology: LabTopology): StandinState {
  return {
    region: topology.region,
    accountId: LAB_ACCOUNT_ID,
    vpcId: topology.vpcId,
    vpcCidrs: topology.vpcCidrs,
    routeTables: Object.fromEntries(
      topology.routeTableIds.map((id, i) => [id, ROUTE_TABLE_BASE + i]),
    ),
    // Pulumi creates the routes, at the ENI of the gateway configured first (docs/pulumi.md, "The
    // first route target"); the route movers never create a route they have not seen exist
    routes: Object.fromEntries(
      topology.routeTableIds.map((id) => [
        id,
        Object.fromEntries(
          topology.siteCidrs.map((c) => [c, topology.gateways[ROLLING_ORDER[0]].eni]),
        ),
      ]),
    ),
    gateways: topology.gateways.map((g) => ({
      name: g.name,
      sourceIp: g.privateIp,
      privateIp: g.privateIp,
      eni: g.eni,
      mac: g.mac,
      instanceId: g.instanceId,
      role: LAB_ROLE,
      link: g.name,
      accessKeyId: `ASIA${randomText(8, "hex").toUpperCase()}`,
      secretAccessKey: randomText(30, "base64"),
      sessionToken: randomText(48, "base64"),
    })),
  };
}
