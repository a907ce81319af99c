import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
  GatewayKernel,
  GatewayOptions,
  GatewayPlacement,
  Ipv6Config,
  VpcConfig,
} from "../src/config/types";
import { al2023AmiQuery, pickArchitecture } from "./lib/ami";
import { checkAmiArchitecture } from "./lib/amiArchitecture";
import { publicKeyFromPrivate } from "./lib/loginKey";
import { TOKEN_PREFIX } from "./lib/naming";
import { inComponent } from "./lib/resourceError";
import { ROLLING_ORDER } from "../src/gateway/context";
import { GatewayInstance } from "./gatewayInstance";
import { GatewayRole } from "./gatewayRole";
import { GatewaySecurity } from "./gatewaySecurity";

/** The gateway a rolling change visits last: the one that is master whenever it is healthy. */
const ACTIVE = ROLLING_ORDER[ROLLING_ORDER.length - 1];

/** Inputs of {@link GatewayPair}. */
export interface GatewayPairArgs {
  /** Site name, for tags and descriptions. */
  site: string;
  vpc: VpcConfig;
  /** Where the two gateways go; index 0 is the preferred (primary) gateway. */
  placements: [GatewayPlacement, GatewayPlacement];
  /** Short names of the two gateways ("gw-a", "gw-b"), as the renderer names them. */
  gatewayNames: [string, string];
  options: GatewayOptions;
  ipv6: Ipv6Config;
  /** The RTX's IPv6 tunnel endpoint (the only source of tunnel packets in native mode). */
  rtxIpv6Address: string;
  /** The stack's gatewaySshPrivateKey (secret); its public half becomes the login key. */
  sshPrivateKey: pulumi.Input<string>;
  /**
   * What the active gateway (gateway 0: its ENI, host key and instance) waits for: the end of
   * the standby's rolling step. Gateway 0 has the higher VRRP priority and preempts, so whenever
   * it is healthy it is the master and gateway 1 the standby (ROLLING_ORDER); the standby goes
   * first, and a change that replaces or restarts instances reaches the active gateway only once
   * the standby passes traffic again (docs/pulumi.md, "Rolling changes"). A promise, because that
   * step is declared after the pair.
   */
  activeGatewayAfter?: pulumi.Input<pulumi.Resource[]>;
}

/**
 * The redundant gateway pair of a site: security group, instance role, and two gateways in two
 * subnets, booted from the configured AMI or the latest Amazon Linux 2023 for the instance type's
 * architecture.
 */
export class GatewayPair extends pulumi.ComponentResource {
  public readonly gateways: [GatewayInstance, GatewayInstance];
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;
  /**
   * The image both gateways run: gateway.amiId, else the latest AL2023 for the instance type. A
   * change replaces the gateways one at a time (docs/lifecycle.md).
   */
  public readonly amiId: pulumi.Output<string>;

  constructor(name: string, args: GatewayPairArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}:GatewayPair`, name, {}, opts);
    const security = new GatewaySecurity(
      `${name}-security`,
      {
        site: args.site,
        vpcId: args.vpc.id,
        mode: args.ipv6.mode,
        isatapRouter: args.ipv6.isatapRouter,
        rtxIpv6Address: args.rtxIpv6Address,
        sshAllowedCidrs: args.options.sshAllowedCidrs,
        vpcCidrs: args.vpc.cidrs,
      },
      { parent: this },
    );
    const role = new GatewayRole(
      `${name}-iam`,
      { site: args.site, routeTableIds: args.vpc.routeTableIds },
      { parent: this },
    );
    this.amiId = args.options.amiId
      ? this.checkedAmi(args.options.amiId, args.options.instanceType)
      : this.latestAmazonLinux(args.options.instanceType, args.options.kernel);
    const loginPublicKey = this.loginPublicKey(args.sshPrivateKey);
    const gateway = (index: 0 | 1) =>
      new GatewayInstance(
        `${name}-${args.gatewayNames[index]}`,
        {
          site: args.site,
          subnetId: args.placements[index].subnetId,
          privateIp: args.placements[index].privateIp,
          ipv6Address: args.ipv6.mode === "native" ? args.placements[index].ipv6Address : undefined,
          securityGroupIds: [security.securityGroupId],
          instanceProfileName: role.instanceProfileName,
          instanceType: args.options.instanceType,
          amiId: this.amiId,
          sshUser: args.options.sshUser,
          loginPublicKey,
        },
        { parent: this, dependsOn: index === ACTIVE ? args.activeGatewayAfter : undefined },
      );
    this.gateways = [gateway(0), gateway(1)];
    this.securityGroupId = security.securityGroupId;
    this.roleArn = role.roleArn;
    this.registerOutputs({
      securityGroupId: this.securityGroupId,
      roleArn: this.roleArn,
      amiId: this.amiId,
      instanceIds: this.gateways.map((g) => g.instanceId),
    });
  }

  /** Latest AL2023 of the kernel stream for the architecture DescribeInstanceTypes reports. */
  private latestAmazonLinux(instanceType: string, kernel: GatewayKernel): pulumi.Output<string> {
    const invokeOpts = { parent: this };
    const type = aws.ec2.getInstanceTypeOutput({ instanceType }, invokeOpts);
    const query = type.supportedArchitectures.apply((supported) =>
      al2023AmiQuery(
        inComponent(this, () => pickArchitecture(instanceType, supported)),
        kernel,
      ),
    );
    return aws.ec2.getAmiOutput(
      {
        owners: query.owners,
        mostRecent: query.mostRecent,
        filters: query.filters,
        nameRegex: query.nameRegex,
      },
      invokeOpts,
    ).id;
  }

  /**
   * An explicit image, once DescribeImages says its architecture runs on the instance type: an
   * instance type change to another architecture with a pinned image is refused at preview.
   */
  private checkedAmi(amiId: string, instanceType: string): pulumi.Output<string> {
    const invokeOpts = { parent: this };
    const type = aws.ec2.getInstanceTypeOutput({ instanceType }, invokeOpts);
    const image = aws.ec2.getAmiOutput(
      { filters: [{ name: "image-id", values: [amiId] }] },
      invokeOpts,
    );
    return pulumi
      .all([image.architecture, type.supportedArchitectures])
      .apply(([architecture, supported]) =>
        inComponent(this, () => {
          checkAmiArchitecture(amiId, architecture, instanceType, supported);
          return amiId;
        }),
      );
  }

  /** The authorized_keys line of the login key, derived locally (see publicKeyFromPrivate). */
  private loginPublicKey(sshPrivateKey: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi
      .output(sshPrivateKey)
      .apply((key) => inComponent(this, () => publicKeyFromPrivate(key)));
  }
}
