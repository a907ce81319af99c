/**
 * Kernels that must never run a gateway, and the Amazon Linux 2023 releases that ship one: the one
 * list both the install script's refusal (install-checks.ts) and the default AMI lookup
 * (components/lib/ami.ts) are derived from. docs/amazon-linux.md explains the entries.
 *
 * A kernel is bad when it comes up, loads every module and brings the tunnel up, and still drops the
 * tunnel's traffic: the health gate would only time out, after the gateway was changed, with no
 * hint why. The list names the cause, and is checked before anything changes.
 */

/** A range of one stable series' patch levels with the same defect: [firstBad, firstFixed). */
export interface KnownBadKernelRange {
  /** The stable series, "major.minor" as `uname -r` starts (Amazon Linux 2023's kernel streams). */
  series: string;
  firstBad: number;
  /** The first fixed patch level; undefined while no fixed release of the series is recorded. */
  firstFixed?: number;
  /** What breaks, in a sentence an operator reads in the refusal. */
  defect: string;
  sources: readonly string[];
}

/** An Amazon Linux 2023 release (the repository version in its AMI names) with a bad kernel. */
export interface Al2023BadRelease {
  /** "2023.<minor>.<YYYYMMDD>", as in al2023-ami-2023.10.20260216.0-kernel-6.12-arm64. */
  release: string;
  /** The kernel the release shipped that falls in a KNOWN_BAD_KERNELS range. */
  kernel: string;
  sources: readonly string[];
}

const IP6_TUNNEL_DEFECT =
  'ipip6 receive is broken: mainline 81c734dae203 ("ip6_tunnel: use skb_vlan_inet_prepare() in ' +
  '__ip6_tnl_rcv()") was backported without its prerequisite, so every packet from the RTX is dropped';

/**
 * Sources of the ip6_tunnel regression. The OpenWrt pull requests link the netdev report and the
 * stable commit that carried the missing prerequisite into 6.12.71.
 */
const IP6_TUNNEL_SOURCES = [
  "https://lists.openwall.net/netdev/2026/01/30/70 (netdev report, 2026-01-30)",
  "https://github.com/openwrt/openwrt/issues/21737 (OpenWrt: 6.12.67 broke ipip6, DS-Lite and MAP-E)",
  "https://github.com/openwrt/openwrt/pull/21783 (OpenWrt reverts the backport in 6.12.67)",
  "https://github.com/openwrt/openwrt/pull/22025 (the prerequisite, stable v6.12.71 commit 4ce768ac429e; OpenWrt drops its revert)",
] as const;

export const KNOWN_BAD_KERNELS: readonly KnownBadKernelRange[] = [
  {
    series: "6.1",
    firstBad: 162,
    firstFixed: 164,
    defect: IP6_TUNNEL_DEFECT,
    sources: IP6_TUNNEL_SOURCES,
  },
  // 6.6 is no Amazon Linux 2023 stream; listed because the same backport reached it. Its fixed
  // release is not recorded here, so every 6.6 kernel from 6.6.122 on is refused.
  { series: "6.6", firstBad: 122, defect: IP6_TUNNEL_DEFECT, sources: IP6_TUNNEL_SOURCES },
  {
    series: "6.12",
    firstBad: 67,
    firstFixed: 71,
    defect: IP6_TUNNEL_DEFECT,
    sources: IP6_TUNNEL_SOURCES,
  },
];

/**
 * Releases whose repository is known to carry a KNOWN_BAD_KERNELS kernel. Both kernel streams of a
 * release come from one repository snapshot, and the other stream's kernel in these releases is not
 * recorded, so the AMI lookup skips the release in both streams. The release notes pages are named
 * by AL2023's scheme (relnotes-<release>.html, as https://github.com/amazonlinux/amazon-linux-2023/issues/885 links one); the
 * kernel each shipped is as reported to this project and was not read from those pages here.
 */
export const AL2023_BAD_RELEASES: readonly Al2023BadRelease[] = [
  {
    release: "2023.10.20260216",
    kernel: "6.12.68",
    sources: [
      "https://docs.aws.amazon.com/linux/al2023/release-notes/relnotes-2023.10.20260216.html",
    ],
  },
  {
    release: "2023.10.20260302",
    kernel: "6.1.163",
    sources: [
      "https://docs.aws.amazon.com/linux/al2023/release-notes/relnotes-2023.10.20260302.html",
    ],
  },
];

export interface KernelVersion {
  series: string;
  patch: number;
}

/**
 * The stable series and patch level of a `uname -r` string: Amazon Linux 2023's
 * `6.1.163-186.299.amzn2023.aarch64` and `6.12.68-90.120.amzn2023.x86_64` give 6.1/163 and 6.12/68.
 * The rendered check (install-checks.ts) parses with the same expression.
 */
export const KERNEL_RELEASE_PATTERN = "^([0-9]+\\.[0-9]+)\\.([0-9]+)";

export function parseKernelRelease(release: string): KernelVersion | undefined {
  const match = new RegExp(KERNEL_RELEASE_PATTERN).exec(release);
  return match ? { series: match[1], patch: Number(match[2]) } : undefined;
}

/** The known-bad range a `uname -r` string falls in, if any. */
export function knownBadKernel(release: string): KnownBadKernelRange | undefined {
  const version = parseKernelRelease(release);
  if (!version) return undefined;
  return KNOWN_BAD_KERNELS.find(
    (r) =>
      r.series === version.series &&
      version.patch >= r.firstBad &&
      (r.firstFixed === undefined || version.patch < r.firstFixed),
  );
}

/** "6.1.162 to 6.1.163" or "6.6.122 and later": the range as a refusal names it. */
export function describeRange(r: KnownBadKernelRange): string {
  const first = `${r.series}.${r.firstBad}`;
  return r.firstFixed === undefined
    ? `${first} and later (no fixed ${r.series} release recorded)`
    : `${first} to ${r.series}.${r.firstFixed - 1} (fixed in ${r.series}.${r.firstFixed})`;
}

/** The 8-digit dates of AL2023_BAD_RELEASES, which name each release uniquely. */
export function badReleaseDates(): string[] {
  return AL2023_BAD_RELEASES.map((r) => {
    const date = /^2023\.[0-9]+\.([0-9]{8})$/.exec(r.release)?.[1];
    if (!date) throw new Error(`known-bad-kernels: ${r.release} is not an AL2023 release version`);
    return date;
  });
}
