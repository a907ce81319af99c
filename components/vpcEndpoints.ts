import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { TOKEN_PREFIX, cidrSlug, siteTags } from "./lib/naming";

/** Inputs of {@link VpcEndpoints}. */
export interface VpcEndpointsArgs {
  /** Site name, for tags. */
  site: string;
  vpcId: string;
  /**
   * The gateways' subnets: the interface endpoints get an interface in each, and the S3 gateway
   * endpoint goes on the route tables these subnets use (and no other).
   */
  subnetIds: string[];
  /**
   * The VPC's networks (`vpc.cidrs`): private DNS sends every host in them to the interface
   * endpoints, so the endpoints' security group admits HTTPS from all of them.
   */
  vpcCidrs: string[];
  /** The gateways' security group, admitted to the interface endpoints as well. */
  gatewaySecurityGroupId: pulumi.Input<string>;
}

/**
 * The route tables the gateways' subnets use: each subnet's explicitly associated table, or,
 * without one, the VPC's main table. Deduplicated, in subnet order.
 */
export function gatewayRouteTableIds(explicit: string[][], mainRouteTableId: string): string[] {
  const tables = explicit.map((ids) => (ids.length > 0 ? ids[0] : mainRouteTableId));
  return [...new Set(tables)];
}

/**
 * Private paths to what the gateways need when the VPC has no NAT: an EC2 interface endpoint
 * (private DNS, so the notify script's ReplaceRoute reaches ec2.<region>.amazonaws.com) and an S3
 * gateway endpoint (Amazon Linux 2023's dnf repositories are served from S3).
 *
 * Both reach beyond the gateways (docs/pulumi.md "When the VPC endpoints are needed"): private DNS
 * is a private hosted zone on the whole VPC (CreateVpcEndpoint, PrivateDnsEnabled), so every host
 * in it now calls EC2 and CloudWatch through these interfaces, and the group admits all of
 * `vpc.cidrs`; the S3 route goes only on the gateways' own subnets' route tables, and moves the
 * S3 traffic of every subnet sharing those tables.
 */
export class VpcEndpoints extends pulumi.ComponentResource {
  public readonly ec2EndpointId: pulumi.Output<string>;
  public readonly s3EndpointId: pulumi.Output<string>;
  /** CloudWatch (monitoring): where the gateways' metrics go; without it they are dropped. */
  public readonly monitoringEndpointId: pulumi.Output<string>;

  constructor(name: string, args: VpcEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}:VpcEndpoints`, name, {}, opts);
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const group = new aws.ec2.SecurityGroup(
      `${name}-ec2-sg`,
      {
        vpcId: args.vpcId,
        description: `vpc-ipip6-gateway ${args.site}: EC2 API endpoint for the gateways`,
        tags: siteTags(args.site, `vpc-ipip6-gateway-${args.site}-ec2-endpoint`),
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-ec2-in-https`,
      {
        securityGroupId: group.id,
        description: "HTTPS from the gateways",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        referencedSecurityGroupId: args.gatewaySecurityGroupId,
      },
      { parent: this },
    );
    // Private DNS answers every host in the VPC with these interfaces: a host the group refused
    // would time out on every EC2 and CloudWatch call.
    for (const cidr of args.vpcCidrs) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-ec2-in-https-${cidrSlug(cidr)}`,
        {
          securityGroupId: group.id,
          description: "HTTPS from the VPC (private DNS sends every host here)",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: cidr,
        },
        { parent: this },
      );
    }
    const ec2 = new aws.ec2.VpcEndpoint(
      `${name}-ec2`,
      {
        vpcId: args.vpcId,
        serviceName: pulumi.interpolate`com.amazonaws.${region}.ec2`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: args.subnetIds,
        securityGroupIds: [group.id],
        tags: siteTags(args.site, `vpc-ipip6-gateway-${args.site}-ec2`),
      },
      { parent: this },
    );
    const s3 = new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: args.vpcId,
        serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: this.gatewayRouteTables(args),
        tags: siteTags(args.site, `vpc-ipip6-gateway-${args.site}-s3`),
      },
      { parent: this },
    );
    // Same group (443 from the gateways): the gateways' PutMetricData reaches
    // monitoring.<region>.amazonaws.com privately. No logs endpoint: the gateways use no Logs.
    const monitoring = new aws.ec2.VpcEndpoint(
      `${name}-monitoring`,
      {
        vpcId: args.vpcId,
        serviceName: pulumi.interpolate`com.amazonaws.${region}.monitoring`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: args.subnetIds,
        securityGroupIds: [group.id],
        tags: siteTags(args.site, `vpc-ipip6-gateway-${args.site}-monitoring`),
      },
      { parent: this },
    );
    this.ec2EndpointId = ec2.id;
    this.s3EndpointId = s3.id;
    this.monitoringEndpointId = monitoring.id;
    this.registerOutputs({
      ec2EndpointId: this.ec2EndpointId,
      s3EndpointId: this.s3EndpointId,
      monitoringEndpointId: this.monitoringEndpointId,
    });
  }

  /**
   * DescribeRouteTables by `association.subnet-id` lists only explicit associations; a subnet
   * without one uses the main table. The singular getRouteTable fails on an empty answer
   * ("query returned no results", terraform-provider-aws
   * internal/service/ec2/vpc_route_table_data_source.go), the plural one returns an empty list
   * (vpc_route_tables_data_source.go), so the plural is asked and the main table fills the gap.
   */
  private gatewayRouteTables(args: VpcEndpointsArgs): pulumi.Output<string[]> {
    const opts = { parent: this };
    const explicit = args.subnetIds.map(
      (subnetId) =>
        aws.ec2.getRouteTablesOutput(
          { vpcId: args.vpcId, filters: [{ name: "association.subnet-id", values: [subnetId] }] },
          opts,
        ).ids,
    );
    const main = aws.ec2.getRouteTablesOutput(
      { vpcId: args.vpcId, filters: [{ name: "association.main", values: ["true"] }] },
      opts,
    ).ids;
    return pulumi.all([pulumi.all(explicit), main]).apply(([tables, mains]) => {
      if (mains.length !== 1) {
        throw new Error(`VpcEndpoints: VPC ${args.vpcId} has ${mains.length} main route tables`);
      }
      return gatewayRouteTableIds(tables, mains[0]);
    });
  }
}
