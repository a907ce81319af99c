/**
 * The install and remove scripts pushed over SSH (`sudo bash -s`, script on stdin). Install checks
 * the kernel and its modules before it changes anything, ensures memory for dnf, writes
 * every rendered file (only those whose bytes differ), installs what is missing, and converges the
 * running system; running it again changes nothing. Remove undoes it.
 */

import { GatewayContext } from "./context";
import { LINKS, PATHS, UNITS } from "./paths";
import { renderDnfMemory } from "./dnf-memory";
import { renderKernelCheck, renderModuleCheck } from "./install-checks";
import { LEGACY } from "./route-mover";
import { fileOf, quote } from "./shell";

export interface FileEntry {
  path: string;
  content: string;
  mode: string;
}

/** Packages the gateway needs, by the command that proves each is present (AL2023 names). */
const PACKAGES: ReadonlyArray<[command: string, pkg: string]> = [
  ["keepalived", "keepalived"],
  ["nft", "nftables"],
  ["curl", "curl-minimal"],
  ["flock", "util-linux-core"],
  ["ping", "iputils"],
];

export function renderInstallScript(c: GatewayContext, files: readonly FileEntry[]): string {
  return fileOf([
    "#!/bin/bash",
    `# vpc-ipip6-gateway: install gateway ${c.name} for site ${c.site}. Rendered; idempotent.`,
    "set -euo pipefail",
    'log() { echo "[vpc-ipip6-gateway] $*" >&2; }',
    "",
    "# Checks first: a known-bad kernel is refused before anything changes; a module that does not load",
    "# may need its modules-extra package (dnf, so memory for it) and is refused before any file is written.",
    ...renderKernelCheck(),
    "",
    ...renderDnfMemory(),
    "",
    ...renderModuleCheck(c),
    "",
    "missing=()",
    ...PACKAGES.map(
      ([command, pkg]) => `command -v ${command} >/dev/null 2>&1 || missing+=(${pkg})`,
    ),
    'if [ "${#missing[@]}" -gt 0 ]; then',
    '  log "installing ${missing[*]}"',
    "  ensure_dnf_memory",
    '  dnf -y -q install "${missing[@]}" || {',
    "    status=$?",
    '    if [ "$status" = 137 ]; then',
    '      log "dnf was killed (exit 137, out of memory?) installing ${missing[*]}; no gateway file was written"',
    "    else",
    '      log "cannot install ${missing[*]} (dnf exit $status): the gateway needs a package source (an S3 gateway endpoint serves Amazon Linux 2023 repositories, or a NAT)"',
    "    fi",
    "    exit 1",
    "  }",
    "fi",
    "",
    "changed=()",
    "# write_file PATH MODE: content on stdin (base64); replaced only when the bytes differ.",
    "write_file() {",
    "  local path=$1 mode=$2 tmp",
    '  install -d -m 0755 "$(dirname "$path")"',
    '  tmp=$(mktemp "$path.XXXXXX")',
    '  base64 -d > "$tmp"',
    '  chmod "$mode" "$tmp"',
    '  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then rm -f "$tmp"; else mv -f "$tmp" "$path"; changed+=("$path"); fi',
    "}",
    ...files.map(
      (f) => `write_file ${quote(f.path)} ${f.mode} <<'EOF'\n${base64Lines(f.content)}\nEOF`,
    ),
    "",
    "# The forking route mover of earlier versions (notify scripts, re-assert timer) goes.",
    `systemctl disable --now ${LEGACY.units.join(" ")} 2>/dev/null || true`,
    `rm -f ${LEGACY.files.join(" ")}`,
    "systemctl daemon-reload",
    `systemctl enable ${UNITS.tunnels} ${UNITS.prober} ${UNITS.routeMover} ${UNITS.routeMoverSpare} ${UNITS.keepalived} ${UNITS.metricsTimer}`,
    'was_changed() { local f; for f in "$@"; do [[ " ${changed[*]} " == *" $f "* ]] && return 0; done; return 1; }',
    "# networkd reads networkd.conf at start: restart it (if running) so it keeps our policy rules.",
    `if was_changed ${PATHS.networkdDropIn}; then systemctl try-restart systemd-networkd; fi`,
    "# reload runs `up` on a running unit (no teardown); a stopped one is started.",
    `systemctl reload-or-restart ${UNITS.tunnels}`,
    "# The prober resumes from its track file, so restarting it does not fail over; it restarts when",
    "# it or the tunnel (which `up` may rebuild under its ping) changed.",
    `if systemctl is-active --quiet ${UNITS.prober}; then`,
    `  if was_changed ${PATHS.proberScript} ${PATHS.proberUnit} ${PATHS.tunnelsScript}; then systemctl restart ${UNITS.prober}; fi`,
    "else",
    `  systemctl start ${UNITS.prober}`,
    "fi",
    "# The two route movers (the active one and its spare, whichever is which) restart one after the",
    "# other when the mover changed: the one still running is active meanwhile. The new one reads the",
    "# VRRP state and the FIFO.",
    ...[
      [UNITS.routeMoverSpare, PATHS.routeMoverSpareUnit],
      [UNITS.routeMover, PATHS.routeMoverUnit],
    ].flatMap(([unit, unitFile]) => [
      `if systemctl is-active --quiet ${unit}; then`,
      `  if was_changed ${PATHS.routeMoverScript} ${PATHS.routeMoverConfig} ${unitFile}; then systemctl restart ${unit}; fi`,
      "else",
      `  systemctl start ${unit}`,
      "fi",
    ]),
    "# Reload, never restart, a running keepalived, and only when its configuration changed: a restart",
    "# leaves MASTER (a priority-0 advert), so the peer takes the routes and this gateway, the",
    "# preferred one, takes them back: two failovers. A reload keeps the VRRP state.",
    `if systemctl is-active --quiet ${UNITS.keepalived}; then`,
    `  if was_changed ${PATHS.keepalivedConf}; then systemctl reload ${UNITS.keepalived}; fi`,
    "else",
    `  systemctl start ${UNITS.keepalived}`,
    "fi",
    `systemctl start ${UNITS.metricsTimer}`,
    'log "installed; changed files: ${changed[*]:-none}"',
    `ip -d link show ${LINKS.tunnel} >&2`,
  ]);
}

export function renderRemoveScript(c: GatewayContext, files: readonly FileEntry[]): string {
  return fileOf([
    "#!/bin/bash",
    `# vpc-ipip6-gateway: remove gateway ${c.name}'s configuration for site ${c.site}. Idempotent.`,
    "set -uo pipefail",
    'log() { echo "[vpc-ipip6-gateway] $*" >&2; }',
    `systemctl disable --now ${UNITS.metricsTimer} ${UNITS.keepalived} ${UNITS.routeMover} ${UNITS.routeMoverSpare} ${UNITS.prober} 2>/dev/null || true`,
    `systemctl disable --now ${UNITS.tunnels} 2>/dev/null || true`,
    "# The unit's stop ran `down`; run it again in case the unit was never started.",
    `[ -x ${PATHS.tunnelsScript} ] && ${PATHS.tunnelsScript} down`,
    `rm -f ${files.map((f) => quote(f.path)).join(" ")}`,
    `rm -rf ${PATHS.proberStateDir} ${PATHS.routeMoverStateDir}`,
    `rmdir --ignore-fail-on-non-empty ${[PATHS.keepalivedDropIn, PATHS.nftables, PATHS.proberScript].map((p) => p.replace(/\/[^/]+$/, "")).join(" ")} 2>/dev/null || true`,
    "systemctl daemon-reload",
    "sysctl -q --system >/dev/null 2>&1 || true",
    'log "removed (packages, and the swap file if one was added, left in place)"',
  ]);
}

function base64Lines(content: string): string {
  return (
    Buffer.from(content, "utf8")
      .toString("base64")
      .match(/.{1,76}/g) ?? []
  ).join("\n");
}
