/**
 * The gateways' CloudWatch permission. PutMetricData has no resource type to scope it to (the
 * Service Authorization Reference lists no resource for it: "Resource": "*" is the only form IAM
 * takes), so the scope is the `cloudwatch:namespace` condition key: the role can write only the
 * project's namespace. The gateways use no CloudWatch Logs (transitions go to the metrics and the
 * journal), so no logs permission is granted.
 */
export function gatewayMetricsPolicy(namespace: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PublishGatewayMetricsInOwnNamespace",
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": namespace } },
      },
    ],
  });
}

/** The role name from its ARN (arn:aws:iam::<account>:role/<path/>name). */
export function roleNameFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}
