/** Small system files: sysctl, the nftables ruleset (MSS clamp, SSH admission), the systemd units. */

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

/** The port sshd listens on for the configuration push (the connection's default). */
export const SSH_PORT = 22;

/** A TCP segment that opens a connection: SYN without ACK (no conntrack needed to match it). */
const NEW_SSH = `tcp dport ${SSH_PORT} tcp flags syn / syn,ack`;

/**
 * Clamp the MSS of forwarded SYNs: toward the site to the route's MTU (the tunnel's), and from the
 * site to the rendered MSS too, so the VPC host sees it even if the RTX does not clamp. The file
 * replaces the table atomically, so loading it again converges.
 *
 * The input chain admits new SSH connections to the gateway itself only from sshAllowedCidrs: the
 * security group cannot (its all-traffic rule from the VPC, needed for forwarded packets, admits
 * TCP 22 from the whole VPC). It matches the opening SYN, not conntrack state, so loading it
 * starts no connection tracking for the forwarded traffic, and established sessions (the push
 * that loads it) go on. Everything else to the gateway (VRRP, the tunnel, ICMP) and everything
 * forwarded is untouched.
 */
export function renderNftables(c: GatewayContext): string {
  return fileOf([
    `# vpc-ipip6-gateway: TCP MSS clamp and SSH admission of gateway ${c.name} for site ${c.site}. Rendered; do not edit.`,
    `table inet ${NFT_TABLE} {}`,
    `delete table inet ${NFT_TABLE}`,
    `table inet ${NFT_TABLE} {`,
    "  chain forward {",
    "    type filter hook forward priority mangle; policy accept;",
    `    oifname "${LINKS.tunnel}" tcp flags syn / syn,rst tcp option maxseg size set rt mtu`,
    `    iifname "${LINKS.tunnel}" tcp flags syn / syn,rst tcp option maxseg size > ${c.mss} tcp option maxseg size set ${c.mss}`,
    "  }",
    "  chain input {",
    "    type filter hook input priority filter; policy accept;",
    '    iifname "lo" accept',
    ...sshAdmitRules(c.sshAllowedCidrs),
    `    ${NEW_SSH} drop`,
    "  }",
    "}",
  ]);
}

/** One accept rule per address family that has allowed sources. */
function sshAdmitRules(cidrs: readonly string[]): string[] {
  const v6 = cidrs.filter((cidr) => cidr.includes(":"));
  const v4 = cidrs.filter((cidr) => !cidr.includes(":"));
  return [
    ...(v4.length > 0 ? [`    ${NEW_SSH} ip saddr { ${v4.join(", ")} } accept`] : []),
    ...(v6.length > 0 ? [`    ${NEW_SSH} ip6 saddr { ${v6.join(", ")} } accept`] : []),
  ];
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
