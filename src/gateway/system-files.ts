/** Small system files: sysctl, the nftables MSS clamp, and the systemd units. */

import { GatewayContext } from "./context";
import { LINKS, NFT_TABLE, PATHS, UNITS } from "./paths";
import { fileOf } from "./shell";

export function renderSysctl(c: GatewayContext): string {
  return fileOf([
    `# vpc-ipip6-gateway: gateway ${c.name} for site ${c.site}. Rendered; do not edit.`,
    "# The gateway forwards between the VPC and the tunnel.",
    "net.ipv4.ip_forward = 1",
  ]);
}

/**
 * Clamp the MSS of forwarded SYNs: toward the site to the route's MTU (the tunnel's), and from the
 * site to the rendered MSS too, so the VPC host sees it even if the RTX does not clamp. The file
 * replaces the table atomically, so loading it again converges.
 */
export function renderNftables(c: GatewayContext): string {
  return fileOf([
    `# vpc-ipip6-gateway: TCP MSS clamp of gateway ${c.name} for site ${c.site}. Rendered; do not edit.`,
    `table inet ${NFT_TABLE} {}`,
    `delete table inet ${NFT_TABLE}`,
    `table inet ${NFT_TABLE} {`,
    "  chain forward {",
    "    type filter hook forward priority mangle; policy accept;",
    `    oifname "${LINKS.tunnel}" tcp flags syn / syn,rst tcp option maxseg size set rt mtu`,
    `    iifname "${LINKS.tunnel}" tcp flags syn / syn,rst tcp option maxseg size > ${c.mss} tcp option maxseg size set ${c.mss}`,
    "  }",
    "}",
  ]);
}

export function renderTunnelsUnit(c: GatewayContext): string {
  return fileOf([
    "[Unit]",
    `Description=vpc-ipip6-gateway tunnels to site ${c.site} (${LINKS.tunnel}, routes, MSS clamp)`,
    "Wants=network-online.target",
    "After=network-online.target",
    `Before=${UNITS.keepalived}`,
    "",
    "[Service]",
    "Type=oneshot",
    "RemainAfterExit=yes",
    `ExecStart=${PATHS.tunnelsScript} up`,
    // A push reloads: `up` converges without tearing the tunnel down.
    `ExecReload=${PATHS.tunnelsScript} up`,
    `ExecStop=${PATHS.tunnelsScript} down`,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
  ]);
}

/**
 * keepalived needs the tunnel and its prober (their track file) and the route mover (the FIFO it
 * writes transitions to, created by the mover), and must come back if it dies.
 */
export function renderKeepalivedDropIn(): string {
  return fileOf([
    "[Unit]",
    `Wants=${UNITS.tunnels} ${UNITS.prober} ${UNITS.routeMover}`,
    `After=${UNITS.tunnels} ${UNITS.prober} ${UNITS.routeMover}`,
    "",
    "[Service]",
    "Restart=always",
    "RestartSec=1",
  ]);
}
