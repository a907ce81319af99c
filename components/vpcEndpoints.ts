import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { TOKEN_PREFIX, siteTags } from "./lib/naming";

/** Inputs of {@link VpcEndpoints}. */
export interface VpcEndpointsArgs {
  /** Site name, for tags. */
  site: string;
  vpcId: string;
  /** The gateways' subnets: the EC2 endpoint gets an interface in each. */
  subnetIds: string[];
  /** Route tables that get the S3 prefix-list route; the gateways' subnets must use one of them. */
  routeTableIds: string[];
  /** The gateways' security group: the only source allowed to the EC2 endpoint. */
  gatewaySecurityGroupId: pulumi.Input<string>;
}

/**
 * Private paths to what the gateways need when the VPC has no NAT: an EC2 interface endpoint
 * (private DNS, so the notify script's ReplaceRoute reaches ec2.<region>.amazonaws.com) and an S3
 * gateway endpoint (Amazon Linux 2023's dnf repositories are served from S3).
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
        routeTableIds: args.routeTableIds,
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
}
