/** Amazon Linux 2023 AMI selection for the gateways (the `gateway.amiId` default, README configuration reference). */

import { GatewayKernel } from "../../src/config/types";

export type GatewayArchitecture = "arm64" | "x86_64";

/**
 * The architecture to boot for an instance type, from DescribeInstanceTypes'
 * supported architectures; arm64 first, because a type that lists it is a Graviton type.
 */
export function pickArchitecture(
  instanceType: string,
  supported: readonly string[],
): GatewayArchitecture {
  if (supported.includes("arm64")) return "arm64";
  if (supported.includes("x86_64")) return "x86_64";
  throw new Error(
    `vpc-ipip6-gateway:gateway.instanceType: ${instanceType} supports ${supported.join(", ") || "no"} architectures; ` +
      "Amazon Linux 2023 needs arm64 or x86_64",
  );
}

/**
 * Standard (not minimal) AL2023 images are named al2023-ami-2023.<release>-kernel-<stream>-<arch>,
 * one series per kernel stream (6.1, 6.12). The stream is named exactly: a wildcard would pick
 * whichever stream was published last, so a replaced gateway could boot another kernel than its
 * peer.
 */
export function al2023NamePattern(
  architecture: GatewayArchitecture,
  kernel: GatewayKernel,
): string {
  return `al2023-ami-2023.*-kernel-${kernel}-${architecture}`;
}

/** The getAmi query for the latest AL2023 image of an architecture and kernel, published by Amazon. */
export function al2023AmiQuery(architecture: GatewayArchitecture, kernel: GatewayKernel) {
  return {
    owners: ["amazon"],
    mostRecent: true,
    filters: [
      { name: "name", values: [al2023NamePattern(architecture, kernel)] },
      { name: "architecture", values: [architecture] },
      { name: "virtualization-type", values: ["hvm"] },
      { name: "root-device-type", values: ["ebs"] },
    ],
  };
}
