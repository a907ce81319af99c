import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as tls from "@pulumi/tls";
import { renderGatewayCloudInit } from "./lib/cloudInit";
import { TOKEN_PREFIX, siteTags } from "./lib/naming";

/** Inputs of {@link GatewayInstance}. */
export interface GatewayInstanceArgs {
  /** Site name, for tags. */
  site: string;
  subnetId: string;
  /** Pinned private IPv4 address: the RTX's keepalive target and the VRRP peer address. */
  privateIp: string;
  /** native mode: pinned IPv6 address of the ENI, the tunnel's local end. */
  ipv6Address?: string;
  securityGroupIds: pulumi.Input<string>[];
  instanceProfileName: pulumi.Input<string>;
  instanceType: string;
  /** The image to boot; a different image replaces the instance (docs/lifecycle.md). */
  amiId: pulumi.Input<string>;
  sshUser: string;
  /** authorized_keys line installed for sshUser by cloud-init. */
  loginPublicKey: pulumi.Input<string>;
}

/** Instance options every gateway gets; exported for the tests. */
export const GATEWAY_METADATA_OPTIONS = {
  httpEndpoint: "enabled",
  // IMDSv2 only; one hop is enough for the notify script running on the host itself.
  httpTokens: "required",
  httpPutResponseHopLimit: 1,
};

/**
 * Options of every gateway instance that decide what a later `pulumi up` does to it
 * (docs/lifecycle.md has the sources):
 * - userDataReplaceOnChange: a changed user data (login key, sshUser, cloud-init text) replaces
 *   the instance; without it provider v7 stops and starts it in place, and cloud-init, which runs
 *   per instance, would not even apply the new text.
 * - ignoreChanges sourceDestCheck: the provider reads the instance's attribute from the primary
 *   ENI (false) and, with a primary_network_interface, plans it back to its default true, which
 *   would switch forwarding off (terraform-provider-aws #44768); declaring false on the instance
 *   is refused (ConflictsWith primary_network_interface), so the difference is ignored instead.
 * - deleteBeforeReplace: a primary ENI cannot be attached to two instances.
 * The image is NOT ignored: the engine would take an ignored `ami` from state even for a
 * replacement, so no image change could ever take effect.
 */
export const GATEWAY_INSTANCE_OPTIONS = {
  userDataReplaceOnChange: true,
  ignoreChanges: ["sourceDestCheck"],
  deleteBeforeReplace: true,
} as const;

/**
 * One gateway: its ENI (pinned addresses, source/dest check off, so it can forward), a generated
 * ed25519 SSH host key, and the EC2 instance booted on that ENI with cloud-init installing the
 * host key and the login key. The instance follows the image it is given: a new image is a
 * replacement, rolled one gateway at a time by the caller's dependsOn. Both the ENI and the
 * instance are deleted before they are replaced, because a pinned address (and a primary ENI)
 * cannot be held twice.
 */
export class GatewayInstance extends pulumi.ComponentResource {
  public readonly instanceId: pulumi.Output<string>;
  public readonly networkInterfaceId: pulumi.Output<string>;
  public readonly privateIp: string;
  /** authorized_keys-format host key: pin it in every SSH connection to this gateway. */
  public readonly hostPublicKey: pulumi.Output<string>;

  constructor(name: string, args: GatewayInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}:GatewayInstance`, name, {}, opts);
    // A component's dependsOn does not reach its children: each one waits itself (rolling order).
    const dependsOn = opts?.dependsOn;
    const hostKey = new tls.PrivateKey(
      `${name}-host-key`,
      { algorithm: "ED25519" },
      { parent: this, dependsOn },
    );
    const eni = new aws.ec2.NetworkInterface(
      `${name}-eni`,
      {
        subnetId: args.subnetId,
        privateIps: [args.privateIp],
        ipv6Addresses: args.ipv6Address ? [args.ipv6Address] : undefined,
        sourceDestCheck: false,
        securityGroups: args.securityGroupIds,
        description: `vpc-ipip6-gateway ${args.site}: ${name}`,
        tags: siteTags(args.site, `vpc-ipip6-gateway-${name}`),
      },
      { parent: this, dependsOn, deleteBeforeReplace: true },
    );
    const userData = pulumi.secret(
      pulumi
        .all([hostKey.privateKeyOpenssh, hostKey.publicKeyOpenssh, args.loginPublicKey])
        .apply(([hostPrivateKey, hostPublicKey, loginPublicKey]) =>
          renderGatewayCloudInit({
            sshUser: args.sshUser,
            loginPublicKey,
            hostPrivateKey,
            hostPublicKey,
          }),
        ),
    );
    const instance = new aws.ec2.Instance(
      `${name}-instance`,
      {
        ami: args.amiId,
        instanceType: args.instanceType,
        primaryNetworkInterface: { networkInterfaceId: eni.id },
        iamInstanceProfile: args.instanceProfileName,
        metadataOptions: GATEWAY_METADATA_OPTIONS,
        userData,
        userDataReplaceOnChange: GATEWAY_INSTANCE_OPTIONS.userDataReplaceOnChange,
        tags: siteTags(args.site, `vpc-ipip6-gateway-${name}`),
      },
      {
        parent: this,
        dependsOn,
        ignoreChanges: [...GATEWAY_INSTANCE_OPTIONS.ignoreChanges],
        deleteBeforeReplace: GATEWAY_INSTANCE_OPTIONS.deleteBeforeReplace,
      },
    );
    this.instanceId = instance.id;
    this.networkInterfaceId = eni.id;
    this.privateIp = args.privateIp;
    this.hostPublicKey = hostKey.publicKeyOpenssh.apply((key) => key.trim());
    this.registerOutputs({
      instanceId: this.instanceId,
      networkInterfaceId: this.networkInterfaceId,
      privateIp: this.privateIp,
      hostPublicKey: this.hostPublicKey,
    });
  }
}
