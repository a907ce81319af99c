/**
 * Memory for dnf on small instances. dnf is OOM-killed on the 512 MiB `.nano` types (an Amazon
 * Linux maintainer in https://github.com/amazonlinux/amazon-linux-2023/issues/404: "You could be getting bitten by the OOM Killer,
 * as these instance types with only 512MB RAM are quite resource constrained ... As a workaround,
 * you can look at enabling some swap space"), and AL2023 ships without swap (https://github.com/amazonlinux/amazon-linux-2023/issues/245
 * asks for it). The default t4g.nano's first install runs dnf, so the install script adds a 1 GiB swap file
 * first when memory is small and no swap is active. docs/amazon-linux.md has the costs.
 */

import * as path from "path";
import { quote } from "./shell";

export const SWAP = {
  file: "/var/lib/vpc-ipip6-gateway/swapfile",
  bytes: 1073741824,
  /**
   * Below this MemTotal (kB) a swap file is added: the 0.5 GiB (.nano) and 1 GiB (.micro) types,
   * whose MemTotal reads about 0.45 and 0.9 GiB; a 2 GiB type reads about 1.9 GiB and gets none.
   * https://github.com/amazonlinux/amazon-linux-2023/issues/404 is .nano; https://github.com/amazonlinux/amazon-linux-2023/issues/407 reports the same on a t3a.micro (not
   * reproduced by the maintainer).
   */
  belowMemTotalKib: 1572864,
  /** systemd-escape --path --suffix=swap of `file`: systemd requires the unit named after it. */
  unit: "var-lib-vpc\\x2dipip6\\x2dgateway-swapfile.swap",
} as const;

/**
 * The swap unit. A unit of our own, not an /etc/fstab line: the file is ours alone (fstab is the
 * operator's and cloud-init's mounts module's), `systemctl status` shows it, and no edit of a shared
 * file can go wrong half-way.
 */
export function swapUnit(): string {
  return [
    "[Unit]",
    "Description=vpc-ipip6-gateway: swap so dnf survives on a small instance",
    "",
    "[Swap]",
    `What=${SWAP.file}`,
    "",
    "[Install]",
    "WantedBy=swap.target",
    "",
  ].join("\n");
}

/**
 * Bash that defines ensure_dnf_memory, called before every dnf: when MemTotal is small and no swap
 * is active it creates (or reuses) the swap file, turns it on and enables its unit for later boots.
 * fallocate is instant; swapon refuses files with holes on some filesystems, so dd is the fallback.
 * A swap file that cannot be made is a warning: dnf may still fit, and says so when it is killed.
 */
export function renderDnfMemory(): string[] {
  const unitPath = `/etc/systemd/system/${SWAP.unit}`;
  return [
    "# dnf is OOM-killed on 512 MiB instances (https://github.com/amazonlinux/amazon-linux-2023/issues/404): swap first (src/gateway/dnf-memory.ts).",
    `SWAP_FILE=${SWAP.file}`,
    "make_swap_file() {",
    '  rm -f "$SWAP_FILE.new"',
    "  case $1 in",
    `    fallocate) fallocate -l ${SWAP.bytes} "$SWAP_FILE.new" ;;`,
    `    dd) dd if=/dev/zero of="$SWAP_FILE.new" bs=1M count=${SWAP.bytes / 1048576} status=none ;;`,
    "  esac &&",
    '    chmod 0600 "$SWAP_FILE.new" && mkswap -q "$SWAP_FILE.new" && mv -f "$SWAP_FILE.new" "$SWAP_FILE"',
    "}",
    "ensure_dnf_memory() {",
    "  local mem_kib",
    "  mem_kib=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)",
    `  if [ "\${mem_kib:-0}" -ge ${SWAP.belowMemTotalKib} ] || [ -n "$(swapon --show=NAME --noheadings)" ]; then return 0; fi`,
    '  log "MemTotal ${mem_kib} kB and no swap: turning on the 1 GiB swap file $SWAP_FILE before dnf"',
    '  install -d -m 0700 "$(dirname "$SWAP_FILE")"',
    `  if [ "$(stat -c %s "$SWAP_FILE" 2>/dev/null)" != ${SWAP.bytes} ]; then`,
    "    make_swap_file fallocate || make_swap_file dd || {",
    '      rm -f "$SWAP_FILE.new"',
    '      log "warning: cannot create $SWAP_FILE; dnf may be killed for want of memory"',
    "      return 0",
    "    }",
    "  fi",
    '  swapon "$SWAP_FILE" || { make_swap_file dd && swapon "$SWAP_FILE"; } || {',
    '    log "warning: cannot turn on $SWAP_FILE; dnf may be killed for want of memory"',
    "    return 0",
    "  }",
    `  install -d -m 0755 ${quote(path.posix.dirname(unitPath))}`,
    `  printf '%s' ${quote(swapUnit())} > ${quote(unitPath)}.new`,
    `  mv -f ${quote(unitPath)}.new ${quote(unitPath)}`,
    "  systemctl daemon-reload",
    `  systemctl enable ${quote(SWAP.unit)}`,
    "}",
  ];
}
