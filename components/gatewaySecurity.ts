import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Ipv6Mode } from "../src/config/types";
import { TOKEN_PREFIX, cidrSlug, isIpv6, siteTags } from "./lib/naming";
import { inComponent } from "./lib/resourceError";

/** Inputs of {@link GatewaySecurity}. */
export interface GatewaySecurityArgs {
  /** Site name, for tags. */
  site: string;
  vpcId: string;
  /** isatap: protocol 41 from the ISATAP router; native: IPv6 protocol 4 from the RTX. */
  mode: Ipv6Mode;
  /** isatap mode: IPv4 address of the ISATAP router. */
  isatapRouter?: string;
  /** native mode: the RTX's IPv6 tunnel endpoint. */
  rtxIpv6Address: string;
  /** Sources allowed to SSH to the gateways (IPv4 or IPv6 CIDRs). */
  sshAllowedCidrs: string[];
  /** VPC networks: everything from them is allowed, since forwarded packets pass this group. */
  vpcCidrs: string[];
}

/** One ingress rule, before it becomes a resource. */
interface IngressSpec {
  key: string;
  description: string;
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidr?: string;
  fromSelf?: boolean;
}

/** The tunnel's outer packets: only from the one peer that sends them. */
function tunnelRule(args: GatewaySecurityArgs): IngressSpec {
  if (args.mode === "isatap") {
    if (!args.isatapRouter) throw new Error("GatewaySecurity: isatap mode needs isatapRouter");
    const cidr = `${args.isatapRouter}/32`;
    return {
      key: "isatap",
      description: "ISATAP (IPv6-in-IPv4) from the ISATAP router",
      ipProtocol: "41",
      cidr,
    };
  }
  const cidr = `${args.rtxIpv6Address}/128`;
  return {
    key: "ipip6",
    description: "IPv4-in-IPv6 from the RTX tunnel endpoint",
    ipProtocol: "4",
    cidr,
  };
}

/** docs/pulumi.md "IAM and security groups": tunnel from its peer only, VRRP between the pair, SSH from the allowed list, all from the VPC. */
export function ingressSpecs(args: GatewaySecurityArgs): IngressSpec[] {
  const vrrp = {
    key: "vrrp",
    description: "VRRP between the two gateways",
    ipProtocol: "112",
    fromSelf: true,
  };
  const ssh = args.sshAllowedCidrs.map((cidr) => ({
    key: `ssh-${cidrSlug(cidr)}`,
    description: "SSH for the configuration push",
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
    cidr,
  }));
  const vpc = args.vpcCidrs.map((cidr) => ({
    key: `vpc-${cidrSlug(cidr)}`,
    description: "VPC traffic to forward to the site",
    ipProtocol: "-1",
    cidr,
  }));
  return [tunnelRule(args), vrrp, ...ssh, ...vpc];
}

/**
 * The gateways' security group. Nothing is open to 0.0.0.0/0 or ::/0 inbound; outbound is open
 * (tunnel packets, the EC2 API and package repositories).
 */
export class GatewaySecurity extends pulumi.ComponentResource {
  public readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: GatewaySecurityArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}:GatewaySecurity`, name, {}, opts);
    const group = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: `vpc-ipip6-gateway ${args.site}: ipip6 gateways`,
        tags: siteTags(args.site, `vpc-ipip6-gateway-${args.site}-gateways`),
      },
      { parent: this },
    );
    for (const spec of inComponent(this, () => ingressSpecs(args))) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-in-${spec.key}`,
        {
          securityGroupId: group.id,
          description: spec.description,
          ipProtocol: spec.ipProtocol,
          fromPort: spec.fromPort,
          toPort: spec.toPort,
          ...inComponent(this, () => sourceOf(spec, group.id)),
        },
        { parent: this },
      );
    }
    this.egress(name, group.id, args.mode);
    this.securityGroupId = group.id;
    this.registerOutputs({ securityGroupId: this.securityGroupId });
  }

  private egress(name: string, groupId: pulumi.Output<string>, mode: Ipv6Mode): void {
    const destinations = mode === "native" ? ["0.0.0.0/0", "::/0"] : ["0.0.0.0/0"];
    for (const cidr of destinations) {
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-out-${isIpv6(cidr) ? "ipv6" : "ipv4"}`,
        {
          securityGroupId: groupId,
          description: "Tunnels, EC2 API, packages",
          ipProtocol: "-1",
          ...cidrField(cidr),
        },
        { parent: this },
      );
    }
  }
}

function cidrField(cidr: string): { cidrIpv4: string } | { cidrIpv6: string } {
  return isIpv6(cidr) ? { cidrIpv6: cidr } : { cidrIpv4: cidr };
}

function sourceOf(spec: IngressSpec, groupId: pulumi.Output<string>) {
  if (spec.fromSelf) return { referencedSecurityGroupId: groupId };
  if (!spec.cidr) throw new Error(`GatewaySecurity: rule ${spec.key} has no source`);
  return cidrField(spec.cidr);
}
