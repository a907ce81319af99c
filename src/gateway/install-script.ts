/**
 * The install and remove scripts pushed over SSH (`sudo bash -s`, script on stdin). Install writes
 * every rendered file (only those whose bytes differ), installs what is missing, and converges the
 * running system; running it again changes nothing. Remove undoes it.
 */

import { GatewayContext } from "./context";
import { LINKS, PATHS, UNITS } from "./paths";
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
    "missing=()",
    ...PACKAGES.map(
      ([command, pkg]) => `command -v ${command} >/dev/null 2>&1 || missing+=(${pkg})`,
    ),
    'if [ "${#missing[@]}" -gt 0 ]; then',
    '  log "installing ${missing[*]}"',
    '  dnf -y -q install "${missing[@]}" || {',
    '    log "cannot install ${missing[*]}: the gateway needs a package source (an S3 gateway endpoint serves Amazon Linux 2023 repositories, or a NAT)"',
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
    "systemctl daemon-reload",
    `systemctl enable ${UNITS.tunnels} ${UNITS.keepalived} ${UNITS.reassertTimer}`,
    "# reload runs `up` on a running unit (no teardown); a stopped one is started.",
    `systemctl reload-or-restart ${UNITS.tunnels}`,
    `if systemctl is-active --quiet ${UNITS.keepalived}; then`,
    `  [[ " \${changed[*]} " == *" ${PATHS.keepalivedConf} "* ]] && systemctl reload ${UNITS.keepalived}`,
    "else",
    `  systemctl start ${UNITS.keepalived}`,
    "fi",
    `systemctl start ${UNITS.reassertTimer}`,
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
    `systemctl disable --now ${UNITS.reassertTimer} ${UNITS.keepalived} 2>/dev/null || true`,
    `systemctl disable --now ${UNITS.tunnels} 2>/dev/null || true`,
    "# The unit's stop ran `down`; run it again in case the unit was never started.",
    `[ -x ${PATHS.tunnelsScript} ] && ${PATHS.tunnelsScript} down`,
    `rm -f ${files.map((f) => quote(f.path)).join(" ")}`,
    `rmdir --ignore-fail-on-non-empty ${[PATHS.keepalivedDropIn, PATHS.nftables, PATHS.trackScript].map((p) => p.replace(/\/[^/]+$/, "")).join(" ")} 2>/dev/null || true`,
    "systemctl daemon-reload",
    "sysctl -q --system >/dev/null 2>&1 || true",
    'log "removed (packages left installed)"',
  ]);
}

function base64Lines(content: string): string {
  return (
    Buffer.from(content, "utf8")
      .toString("base64")
      .match(/.{1,76}/g) ?? []
  ).join("\n");
}
