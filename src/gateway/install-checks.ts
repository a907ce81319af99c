/**
 * Checks around a push: the kernel modules the rendered files need (before anything changes), and
 * the health wait that ends a gateway's rolling step (the next gateway is changed only after it).
 */

import { GatewayContext } from "./context";
import { LINKS, PATHS, UNITS } from "./paths";
import { STATUS_FILE_NAME, TRACK_FILE_NAME } from "./prober";
import { fileOf, quote } from "./shell";

/**
 * Kernel modules the rendered files use, by what needs them. The MSS clamp's expressions (tcp
 * option, rt mtu, meta, payload) are part of nf_tables itself. A module built into the kernel
 * passes too (modprobe reads modules.builtin).
 */
export function requiredModules(c: GatewayContext): [module: string, usedBy: string][] {
  return [
    ...(c.isatap ? [["sit", `${LINKS.isatap} (ISATAP)`] as [string, string]] : []),
    ["ip6_tunnel", `${LINKS.tunnel} (ipip6)`],
    ["dummy", `${LINKS.vrrp} (VRRP placeholder link)`],
    ["nf_tables", "the TCP MSS clamp (nftables)"],
  ];
}

/** Lines of the install script: stop with the module and kernel named if one does not load. */
export function renderModuleCheck(c: GatewayContext): string[] {
  return [
    "# Every kernel module the rendered files use must load on this kernel, before anything changes.",
    "for entry in " +
      requiredModules(c)
        .map(([m, by]) => quote(`${m}:${by}`))
        .join(" ") +
      "; do",
    "  module=${entry%%:*}",
    '  modprobe -q "$module" || {',
    '    log "kernel $(uname -r) cannot load module $module (needed by ${entry#*:}); nothing was changed. Boot a kernel that has it (gateway.kernel, docs/pulumi.md)"',
    "    exit 1",
    "  }",
    "done",
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
