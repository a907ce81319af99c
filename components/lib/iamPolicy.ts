/** IAM documents for the gateways' instance role (docs/pulumi.md). */

/** The route-changing actions the keepalived notify script needs, scoped to the managed tables. */
export const ROUTE_WRITE_ACTIONS = ["ec2:ReplaceRoute", "ec2:CreateRoute"] as const;

/**
 * Read-only lookups the notify script makes (find its own ENI, read the tables). Listed one by one
 * rather than ec2:Describe*: that wildcard would include DescribeInstanceAttribute, which reads
 * the peer gateway's user data and so its SSH host private key.
 */
export const DESCRIBE_ACTIONS = [
  "ec2:DescribeRouteTables",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeInstances",
] as const;

/** Where the routes live, for the partition/region/account the stack runs in. */
export interface ArnScope {
  partition: string;
  region: string;
  accountId: string;
}

export function routeTableArn(scope: ArnScope, routeTableId: string): string {
  return `arn:${scope.partition}:ec2:${scope.region}:${scope.accountId}:route-table/${routeTableId}`;
}

/** Inline policy: write routes only in the managed tables, describe anywhere (Describe has no resource scope). */
export function gatewayRoutePolicy(scope: ArnScope, routeTableIds: readonly string[]): string {
  if (routeTableIds.length === 0) throw new Error("gatewayRoutePolicy: no managed route tables");
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "MoveSiteRoutesInManagedTables",
        Effect: "Allow",
        Action: [...ROUTE_WRITE_ACTIONS],
        Resource: routeTableIds.map((id) => routeTableArn(scope, id)),
      },
      { Sid: "DescribeForFailover", Effect: "Allow", Action: [...DESCRIBE_ACTIONS], Resource: "*" },
    ],
  });
}

/** Trust policy: only EC2 instances (through the instance profile) assume the gateway role. */
export function ec2AssumeRolePolicy(servicePrincipal = "ec2.amazonaws.com"): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: servicePrincipal }, Action: "sts:AssumeRole" },
    ],
  });
}
