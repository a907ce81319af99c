/**
 * The gateways' subnets against the stack file: the VPC, the pinned addresses, IPv6 in native
 * mode, and two AZs.
 */

import { StackConfig } from "../config/types";
import { fullKey } from "../config/contract";
import { broadcastOf, formatIpv4, ipv4CidrOrThrow, ipv4OrThrow, cidrContains } from "../net/ipv4";
import { parseIpv6, parseIpv6Prefix } from "../net/ipv6";
import { AwsFacts, PreflightProblem, SubnetFacts } from "./facts";

/**
 * AWS keeps five addresses of every subnet: the network address, +1 (the VPC router), +2 (the
 * Amazon DNS server), +3 (future use) and the last one (broadcast). Source: "Subnet CIDR blocks",
 * Amazon VPC User Guide, https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html
 */
export function reservedAddressReason(cidrText: string, address: number): string | undefined {
  const cidr = ipv4CidrOrThrow(cidrText);
  const offset = address - cidr.network;
  const reasons = ["the network address", "the VPC router", "the Amazon DNS server", "future use"];
  if (offset >= 0 && offset < reasons.length) return reasons[offset];
  return address === broadcastOf(cidr) ? "the broadcast address" : undefined;
}

export function subnetProblems(config: StackConfig, facts: AwsFacts): PreflightProblem[] {
  const problems: PreflightProblem[] = [];
  const found: (SubnetFacts | undefined)[] = config.gateways.map((placement, i) => {
    const key = fullKey(`gateways[${i}]`);
    const lookup = facts.subnets[placement.subnetId];
    if (!lookup || "error" in lookup) {
      problems.push({
        path: `${key}.subnetId`,
        message: `${placement.subnetId} could not be read: ${lookup ? lookup.error : "no answer"}; check the id and the region`,
      });
      return undefined;
    }
    problems.push(...placementProblems(config, i, lookup.found));
    return lookup.found;
  });
  const [a, b] = found;
  if (a && b && a.availabilityZone === b.availabilityZone) {
    problems.push({
      path: fullKey("gateways[1].subnetId"),
      message: `${b.id} is in ${b.availabilityZone}, like gateways[0]'s ${a.id}; put the second gateway in a subnet of another AZ, or one AZ outage takes both down`,
    });
  }
  return problems;
}

function placementProblems(
  config: StackConfig,
  i: number,
  subnet: SubnetFacts,
): PreflightProblem[] {
  const key = fullKey(`gateways[${i}]`);
  const placement = config.gateways[i];
  const problems: PreflightProblem[] = [];
  if (subnet.vpcId !== config.vpc.id) {
    problems.push({
      path: `${key}.subnetId`,
      message: `${subnet.id} is in ${subnet.vpcId}, not in vpc.id ${config.vpc.id}; pick a subnet of ${config.vpc.id}`,
    });
  }
  const ipProblem = privateIpProblem(placement.privateIp, subnet);
  if (ipProblem) problems.push({ path: `${key}.privateIp`, message: ipProblem });
  if (config.ipv6.mode === "native") {
    const v6 = ipv6Problem(placement.ipv6Address, subnet);
    if (v6) problems.push({ path: `${key}.${v6.key}`, message: v6.message });
  }
  return problems;
}

function privateIpProblem(privateIp: string, subnet: SubnetFacts): string | undefined {
  const cidr = ipv4CidrOrThrow(subnet.cidrBlock);
  const address = ipv4OrThrow(privateIp);
  if (!cidrContains(cidr, address)) {
    return `${privateIp} is outside ${subnet.id}'s ${subnet.cidrBlock}; pick a free address inside it`;
  }
  const reason = reservedAddressReason(subnet.cidrBlock, address);
  if (!reason) return undefined;
  const first = formatIpv4(cidr.network + 4);
  const last = formatIpv4(broadcastOf(cidr) - 1);
  return `${privateIp} is reserved by AWS in every subnet (${reason}); pick a free address from ${first} to ${last}`;
}

function ipv6Problem(
  ipv6Address: string | undefined,
  subnet: SubnetFacts,
): { key: string; message: string } | undefined {
  if (!subnet.ipv6CidrBlock) {
    return {
      key: "subnetId",
      message: `${subnet.id} has no IPv6 CIDR, and native mode gives each gateway an IPv6 address from its subnet; associate an IPv6 /64 with the subnet (the VPC needs an IPv6 block first) or use ipv6.mode isatap`,
    };
  }
  const prefix = parseIpv6Prefix(subnet.ipv6CidrBlock);
  const groups = ipv6Address === undefined ? undefined : parseIpv6(ipv6Address);
  if ("error" in prefix || !groups) return undefined;
  if (ipv6PrefixContains(prefix.prefix.groups, prefix.prefix.length, groups)) return undefined;
  return {
    key: "ipv6Address",
    message: `${ipv6Address} is outside ${subnet.id}'s ${subnet.ipv6CidrBlock}; pick an address inside that /64`,
  };
}

function ipv6PrefixContains(network: number[], length: number, address: number[]): boolean {
  return network.every((group, j) => {
    const keep = Math.max(0, Math.min(16, length - j * 16));
    const mask = keep === 0 ? 0 : (0xffff << (16 - keep)) & 0xffff;
    return (address[j] & mask) === group;
  });
}
