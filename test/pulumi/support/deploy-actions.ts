/**
 * The AWS actions each resource type and lookup of the program needs from the deploying
 * identity, for docs/deploy-policy.json (tested in test/pulumi/deploy-policy.test.ts).
 *
 * Sources: which API calls a resource makes is in its upstream implementation, the Terraform AWS
 * provider that pulumi-aws wraps (github.com/hashicorp/terraform-provider-aws, the file named per
 * entry: create, read, update, delete and the waiters); the action an API call needs, and its
 * dependent actions, is in AWS's Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html, and
 * list_awsidentityandaccessmanagementiam.html, list_amazoncloudwatch.html). For the EC2 Query
 * API the action is the call's name: ec2:CreateRoute for CreateRoute.
 */

export interface ActionEntry {
  actions: string[];
  /** Where the calls were read. */
  source: string;
}

const TF = "hashicorp/terraform-provider-aws:internal/service";

/** Pulumi type token or invoke token -> actions. Tokens with no AWS call map to []. */
export const DEPLOY_ACTIONS: Record<string, ActionEntry> = {
  "aws:ec2/route:Route": {
    actions: ["ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute", "ec2:DescribeRouteTables"],
    source: `${TF}/ec2/vpc_route.go (CreateRoute, ReplaceRoute, DeleteRoute; read and waiters by DescribeRouteTables; import ROUTETABLEID_DESTINATION)`,
  },
  "aws:ec2/networkInterface:NetworkInterface": {
    actions: [
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:ModifyNetworkInterfaceAttribute",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
      "ec2:AssignIpv6Addresses",
      "ec2:UnassignIpv6Addresses",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
    source: `${TF}/ec2/vpc_network_interface.go (pinned private/IPv6 addresses, source/dest check, tags)`,
  },
  "aws:ec2/instance:Instance": {
    actions: [
      "ec2:RunInstances",
      "ec2:TerminateInstances",
      "ec2:StopInstances",
      "ec2:StartInstances",
      "ec2:DescribeInstances",
      "ec2:DescribeInstanceAttribute",
      "ec2:DescribeInstanceCreditSpecifications",
      "ec2:ModifyInstanceAttribute",
      "ec2:ModifyInstanceMetadataOptions",
      "ec2:DescribeVolumes",
      "ec2:DescribeTags",
      "ec2:CreateTags",
      "ec2:DeleteTags",
      "ec2:AssociateIamInstanceProfile",
      "ec2:DescribeIamInstanceProfileAssociations",
      "ec2:ReplaceIamInstanceProfileAssociation",
      "iam:PassRole",
    ],
    source: `${TF}/ec2/ec2_instance.go (a user data or type change stops and starts the instance; the instance profile needs iam:PassRole on its role)`,
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    actions: [
      "ec2:CreateSecurityGroup",
      "ec2:DeleteSecurityGroup",
      "ec2:DescribeSecurityGroups",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
    source: `${TF}/ec2/vpc_security_group.go (the default egress rule is revoked after create)`,
  },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
    actions: [
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:DescribeSecurityGroupRules",
      "ec2:ModifySecurityGroupRules",
      "ec2:CreateTags",
    ],
    source: `${TF}/ec2/vpc_security_group_ingress_rule.go`,
  },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
    actions: [
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:DescribeSecurityGroupRules",
      "ec2:ModifySecurityGroupRules",
      "ec2:CreateTags",
    ],
    source: `${TF}/ec2/vpc_security_group_egress_rule.go`,
  },
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    actions: [
      "ec2:CreateVpcEndpoint",
      "ec2:DeleteVpcEndpoints",
      "ec2:ModifyVpcEndpoint",
      "ec2:DescribeVpcEndpoints",
      "ec2:DescribePrefixLists",
      "ec2:CreateTags",
      "ec2:DeleteTags",
      "route53:AssociateVPCWithHostedZone",
    ],
    source: `${TF}/ec2/vpc_endpoint.go; private DNS of an interface endpoint: CreateVpcEndpoint's dependent action route53:AssociateVPCWithHostedZone (Service Authorization Reference)`,
  },
  "aws:iam/role:Role": {
    actions: [
      "iam:CreateRole",
      "iam:GetRole",
      "iam:DeleteRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:ListRolePolicies",
      "iam:ListAttachedRolePolicies",
      "iam:ListInstanceProfilesForRole",
    ],
    source: `${TF}/iam/role.go (delete lists and detaches policies and instance profiles first)`,
  },
  "aws:iam/rolePolicy:RolePolicy": {
    actions: ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
    source: `${TF}/iam/role_policy.go`,
  },
  "aws:iam/instanceProfile:InstanceProfile": {
    actions: [
      "iam:CreateInstanceProfile",
      "iam:GetInstanceProfile",
      "iam:DeleteInstanceProfile",
      "iam:AddRoleToInstanceProfile",
      "iam:RemoveRoleFromInstanceProfile",
      "iam:TagInstanceProfile",
    ],
    source: `${TF}/iam/instance_profile.go`,
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    actions: [
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:DescribeAlarms",
      "cloudwatch:DeleteAlarms",
      "cloudwatch:ListTagsForResource",
      "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
    ],
    source: `${TF}/cloudwatch/metric_alarm.go (an alarm action on an existing SNS topic needs no SNS action from the deployer)`,
  },
  "aws:cloudwatch/dashboard:Dashboard": {
    actions: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"],
    source: `${TF}/cloudwatch/dashboard.go`,
  },
  "aws:ec2/getSubnet:getSubnet": {
    actions: ["ec2:DescribeSubnets"],
    source: `${TF}/ec2/vpc_subnet_data_source.go`,
  },
  "aws:ec2/getRouteTable:getRouteTable": {
    actions: ["ec2:DescribeRouteTables"],
    source: `${TF}/ec2/vpc_route_table_data_source.go`,
  },
  "aws:ec2/getRouteTables:getRouteTables": {
    actions: ["ec2:DescribeRouteTables"],
    source: `${TF}/ec2/vpc_route_tables_data_source.go`,
  },
  "aws:ec2/getNetworkInterfaces:getNetworkInterfaces": {
    actions: ["ec2:DescribeNetworkInterfaces"],
    source: `${TF}/ec2/vpc_network_interfaces_data_source.go`,
  },
  "aws:ec2/getAmi:getAmi": {
    actions: ["ec2:DescribeImages"],
    source: `${TF}/ec2/ec2_ami_data_source.go`,
  },
  "aws:ec2/getInstanceType:getInstanceType": {
    actions: ["ec2:DescribeInstanceTypes"],
    source: `${TF}/ec2/ec2_instance_type_data_source.go`,
  },
  "aws:index/getCallerIdentity:getCallerIdentity": {
    actions: [],
    source: "sts:GetCallerIdentity needs no permission (AWS STS API Reference, GetCallerIdentity)",
  },
  "aws:index/getPartition:getPartition": {
    actions: [],
    source: "answered from the provider's configuration, no AWS call",
  },
  "aws:index/getRegion:getRegion": {
    actions: [],
    source: "answered from the provider's configuration, no AWS call",
  },
  "command:local:Command": { actions: [], source: "runs on the deploying machine" },
  "command:remote:Command": { actions: [], source: "SSH to the gateways" },
  "tls:index/privateKey:PrivateKey": { actions: [], source: "generated locally" },
};
