/** Amazon Linux 2023 AMI selection for the gateways (the `gateway.amiId` default, README configuration reference). */

import { GatewayKernel } from "../../src/config/types";
import { badReleaseDates } from "../../src/gateway/known-bad-kernels";

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

/**
 * The same series as a regular expression (getAmi's `nameRegex`, applied by the provider to the
 * names DescribeImages returns) that also leaves out every release in AL2023_BAD_RELEASES
 * (src/gateway/known-bad-kernels.ts): image names carry the release, not the kernel's patch level.
 * A release is named uniquely by its date; the expression matches every 8-digit date but those,
 * written without lookahead, which the provider's Go regexp (RE2) does not have.
 */
export function al2023NameRegex(
  architecture: GatewayArchitecture,
  kernel: GatewayKernel,
  excludedDates: readonly string[] = badReleaseDates(),
): string {
  const date = digitStringsExcept(excludedDates, 8);
  if (date === undefined) throw new Error("ami: every release date is excluded");
  return `^al2023-ami-2023\\.[0-9]+\\.${date}\\.[0-9]+-kernel-${kernel.replace(/\./g, "\\.")}-${architecture}$`;
}

/**
 * A regular expression for the strings of `length` digits that are not in `excluded`, built from
 * their common prefixes; undefined when it would match nothing.
 */
export function digitStringsExcept(
  excluded: readonly string[],
  length: number,
): string | undefined {
  if (excluded.length === 0) return anyDigits(length);
  if (length === 0) return undefined;
  const byFirst = new Map<string, string[]>();
  for (const word of excluded) {
    if (word.length !== length || !/^[0-9]+$/.test(word))
      throw new Error(`ami: ${word} is not a ${length}-digit string`);
    byFirst.set(word[0], [...(byFirst.get(word[0]) ?? []), word.slice(1)]);
  }
  const others = "0123456789".split("").filter((d) => !byFirst.has(d));
  const branches = [
    ...(others.length > 0 ? [`[${others.join("")}]${anyDigits(length - 1)}`] : []),
    ...[...byFirst].flatMap(([digit, rests]) => {
      const rest = digitStringsExcept(rests, length - 1);
      return rest === undefined ? [] : [`${digit}${rest}`];
    }),
  ];
  return branches.length === 0 ? undefined : `(?:${branches.join("|")})`;
}

/**
 * The getAmi query for the latest AL2023 image of an architecture and kernel, published by Amazon,
 * never one of a release known to ship a bad kernel.
 */
export function al2023AmiQuery(architecture: GatewayArchitecture, kernel: GatewayKernel) {
  return {
    owners: ["amazon"],
    mostRecent: true,
    nameRegex: al2023NameRegex(architecture, kernel),
    filters: [
      { name: "name", values: [al2023NamePattern(architecture, kernel)] },
      { name: "architecture", values: [architecture] },
      { name: "virtualization-type", values: ["hvm"] },
      { name: "root-device-type", values: ["ebs"] },
    ],
  };
}

function anyDigits(length: number): string {
  return length === 0 ? "" : length === 1 ? "[0-9]" : `[0-9]{${length}}`;
}
