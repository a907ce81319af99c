import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ec2AssumeRolePolicy, gatewayRoutePolicy } from "./lib/iamPolicy";
import { TOKEN_PREFIX, siteTags } from "./lib/naming";
import { inComponent } from "./lib/resourceError";

/** Inputs of {@link GatewayRole}. */
export interface GatewayRoleArgs {
  /** Site name, for tags. */
  site: string;
  /** The route tables whose site routes the active gateway moves: the only tables it may write. */
  routeTableIds: string[];
}

/**
 * The gateways' instance role and profile: ReplaceRoute/CreateRoute only on the managed route
 * tables' ARNs (built from the caller's partition, region and account), describes on "*".
 */
export class GatewayRole extends pulumi.ComponentResource {
  public readonly instanceProfileName: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;
  /** The inline policy document, for review. */
  public readonly policy: pulumi.Output<string>;

  constructor(name: string, args: GatewayRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}:GatewayRole`, name, {}, opts);
    const invokeOpts = { parent: this };
    const partition = aws.getPartitionOutput({}, invokeOpts);
    const region = aws.getRegionOutput({}, invokeOpts);
    const caller = aws.getCallerIdentityOutput({}, invokeOpts);

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `vpc-ipip6-gateway ${args.site}: gateways move the site routes on failover`,
        assumeRolePolicy: partition.dnsSuffix.apply((suffix) =>
          ec2AssumeRolePolicy(`ec2.${suffix}`),
        ),
        tags: siteTags(args.site, `vpc-ipip6-gateway-${args.site}-gateway`),
      },
      { parent: this },
    );
    this.policy = pulumi
      .all([partition.partition, region.region, caller.accountId])
      .apply(([p, r, accountId]) =>
        inComponent(this, () =>
          gatewayRoutePolicy({ partition: p, region: r, accountId }, args.routeTableIds),
        ),
      );
    new aws.iam.RolePolicy(
      `${name}-routes`,
      { role: role.name, policy: this.policy },
      { parent: this },
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { role: role.name, tags: siteTags(args.site, `vpc-ipip6-gateway-${args.site}-gateway`) },
      { parent: this },
    );
    this.instanceProfileName = profile.name;
    this.roleArn = role.arn;
    this.registerOutputs({
      instanceProfileName: this.instanceProfileName,
      roleArn: this.roleArn,
      policy: this.policy,
    });
  }
}
