/**
 * Checks around a push: the kernel and the kernel modules the rendered files need (before anything
 * changes), and the health wait that ends a gateway's rolling step (the next gateway is changed only after it).
 */

import { GatewayContext } from "./context";
import { LINKS, PATHS, UNITS } from "./paths";
import { STATUS_FILE_NAME, TRACK_FILE_NAME } from "./prober";
import { describeRange, KERNEL_RELEASE_PATTERN, KNOWN_BAD_KERNELS } from "./known-bad-kernels";
import { fileOf, quote } from "./shell";

/**
 * Kernel modules the rendered files use, by what needs them. The MSS clamp's expressions (tcp
 * option, rt mtu, meta, payload) are part of nf_tables itself: Linux's net/netfilter/Makefile links
 * nft_exthdr.o, nft_rt.o, nft_meta.o and nft_payload.o into nf_tables-objs, so there is no
 * nft_exthdr or nft_rt module to load (modprobe would fail on every kernel). A module built into
 * the kernel passes too (modprobe reads modules.builtin).
 */
export function requiredModules(c: GatewayContext): [module: string, usedBy: string][] {
  return [
    ...(c.isatap ? [["sit", `${LINKS.isatap} (ISATAP)`] as [string, string]] : []),
    ["ip6_tunnel", `${LINKS.tunnel} (ipip6)`],
    ["dummy", `${LINKS.vrrp} (VRRP placeholder link)`],
    ["nf_tables", "the TCP MSS clamp (nftables)"],
  ];
}

/**
 * Lines of the install script: refuse a known-bad kernel (KNOWN_BAD_KERNELS) with the kernel, the
 * defect and the way out named, before anything changes. Sets `kernel`, `series` and
 * `kernel_package` (kernel on 6.1, kernel6.12 on 6.12: AL2023's package names) for the rest.
 * The way out names a release, not `--releasever=latest`: AL2023 pins each instance to its image's
 * repository version, and its user guide warns against `latest` in production
 * (https://docs.aws.amazon.com/linux/al2023/ug/updating.html,
 * https://docs.aws.amazon.com/linux/al2023/ug/deterministic-upgrades-usage.html).
 */
export function renderKernelCheck(): string[] {
  return [
    "# A known-bad kernel loads every module and brings the tunnel up, then drops its traffic: refuse",
    "# it before anything changes (the list and its sources: src/gateway/known-bad-kernels.ts).",
    "kernel=$(uname -r)",
    `kernel_re=${quote(KERNEL_RELEASE_PATTERN)}`,
    "if [[ $kernel =~ $kernel_re ]]; then series=${BASH_REMATCH[1]} patch=$((10#${BASH_REMATCH[2]})); else series='' patch=0; fi",
    "# AL2023 names the 6.1 stream's packages kernel*, the others kernel<stream>* (kernel6.12).",
    'if [ "$series" = 6.1 ]; then kernel_package=kernel; else kernel_package=kernel$series; fi',
    "refuse_kernel() {",
    '  log "kernel $kernel is known-bad ($1): $2. Nothing was changed. Boot a fixed kernel: dnf --releasever=RELEASE upgrade $kernel_package for a release that ships one (the AL2023 release notes list the kernel of each release), reboot, and run pulumi up again; or set gateway.amiId to an image of such a release (docs/amazon-linux.md)"',
    "  exit 1",
    "}",
    ...KNOWN_BAD_KERNELS.map(
      (r) =>
        `if [ "$series" = ${r.series} ] && ((patch >= ${r.firstBad}${r.firstFixed === undefined ? "" : ` && patch < ${r.firstFixed}`})); then refuse_kernel ${quote(describeRange(r))} ${quote(r.defect)}; fi`,
    ),
  ];
}

/**
 * Lines of the install script: every module the rendered files use must load. One that does not is
 * looked for in the kernel's modules-extra package (AL2023: kernel-modules-extra-$(uname -r) for
 * 6.1, kernel6.12-modules-extra-$(uname -r) for 6.12, as Amazon's EKS AMI build installs them,
 * https://github.com/awslabs/amazon-eks-ami/pull/2345, after release 2023.8.20250721 renamed the 6.12
 * packages; https://github.com/amazonlinux/amazon-linux-2023/issues/936 names the 6.12 one), and if
 * it still does not load the script stops with module and kernel named, before any gateway file is
 * written.
 * Needs renderKernelCheck's variables and ensure_dnf_memory (dnf-memory.ts).
 */
export function renderModuleCheck(c: GatewayContext): string[] {
  return [
    "# Every kernel module the rendered files use must load on this kernel, before anything changes.",
    "modules_extra=$kernel_package-modules-extra-$kernel",
    "unloaded=()",
    "for entry in " +
      requiredModules(c)
        .map(([m, by]) => quote(`${m}:${by}`))
        .join(" ") +
      "; do",
    '  modprobe -q "${entry%%:*}" || unloaded+=("$entry")',
    "done",
    'if [ "${#unloaded[@]}" -gt 0 ]; then',
    '  log "kernel $kernel does not load ${unloaded[*]%%:*}: installing $modules_extra"',
    "  ensure_dnf_memory",
    '  dnf -y -q install "$modules_extra" || log "cannot install $modules_extra (dnf exit $?)"',
    '  for entry in "${unloaded[@]}"; do',
    '    modprobe -q "${entry%%:*}" || {',
    '      log "kernel $kernel cannot load module ${entry%%:*} (needed by ${entry#*:}), not even with $modules_extra; no gateway file was written. Boot a kernel that has it (gateway.kernel, docs/amazon-linux.md)"',
    "      exit 1",
    "    }",
    "  done",
    "fi",
  ];
}

/** How long a gateway gets, after its push or restart, to pass traffic again. */
export const HEALTH_WAIT_S = 180;

/**
 * Run as root after a gateway's push (or instance change): succeeds once keepalived runs and the
 * prober reports the tunnel up; fails after HEALTH_WAIT_S with what the prober last saw.
 */
export function renderHealthWaitScript(c: GatewayContext, timeoutS = HEALTH_WAIT_S): string {
  const track = `${PATHS.proberStateDir}/${TRACK_FILE_NAME}`;
  const status = `${PATHS.proberStateDir}/${STATUS_FILE_NAME}`;
  return fileOf([
    "#!/bin/bash",
    `# vpc-ipip6-gateway: wait until ${c.name} passes traffic to site ${c.site} again. Rendered.`,
    "set -uo pipefail",
    `deadline=$((SECONDS + ${timeoutS}))`,
    `healthy() { systemctl is-active --quiet ${UNITS.keepalived} && [ "$(cat ${track} 2>/dev/null)" = 0 ]; }`,
    "until healthy; do",
    "  if ((SECONDS >= deadline)); then",
    `    echo "[vpc-ipip6-gateway] ${c.name}: not passing traffic ${timeoutS} s after its change: keepalived $(systemctl is-active ${UNITS.keepalived}), tunnel ${LINKS.tunnel} to ${c.rtxLanAddress} $( [ "$(cat ${track} 2>/dev/null)" = 0 ] && echo up || echo down). The other gateway is left as it is. Prober status: $(cat ${status} 2>/dev/null || echo none)" >&2`,
    "    exit 1",
    "  fi",
    "  sleep 1",
    "done",
    `echo "[vpc-ipip6-gateway] ${c.name}: keepalived running, ${LINKS.tunnel} to ${c.rtxLanAddress} up" >&2`,
  ]);
}
