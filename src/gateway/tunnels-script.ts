/**
 * The tunnels script: run by the oneshot unit at boot (`up`) and on every push (`up`, via reload),
 * and on stop (`down`). Each device carries a fingerprint of its parameters in its alias, so `up`
 * leaves a correct device alone and rebuilds one whose parameters changed.
 */

import { createHash } from "crypto";
import { GatewayContext } from "./context";
import { LINKS, NFT_TABLE, PATHS } from "./paths";
import { POLICY_RULES_FUNCTIONS, SITE_RULE_PRIORITY } from "./policy-rules";
import { bashArray, fileOf, quote } from "./shell";

function fingerprint(parts: readonly (string | number)[]): string {
  return `vig:${createHash("sha256").update(parts.join("|")).digest("hex").slice(0, 16)}`;
}

export function renderTunnelsScript(c: GatewayContext): string {
  const sitPrint = c.isatap ? fingerprint([c.privateIp, c.isatap.router, c.isatap.linkMtu]) : "";
  const tunPrint = fingerprint([
    c.tunnelLocal,
    c.rtxAddress,
    c.tunnelMtu,
    c.privateIp,
    ...c.siteCidrs,
  ]);
  return fileOf([
    "#!/bin/bash",
    `# vpc-ipip6-gateway: tunnels of gateway ${c.name} for site ${c.site}. Rendered; do not edit.`,
    "# usage: vpc-ipip6-gateway-tunnels up|down   (idempotent; output goes to the journal)",
    "set -euo pipefail",
    "",
    `PRIVATE_IP=${quote(c.privateIp)}`,
    `TUNNEL_LOCAL=${quote(c.tunnelLocal)}`,
    `RTX_ADDRESS=${quote(c.rtxAddress)}`,
    `TUNNEL_MTU=${c.tunnelMtu}`,
    `SITE_CIDRS=${bashArray(c.siteCidrs)}`,
    `TUN=${LINKS.tunnel} VRRP_LINK=${LINKS.vrrp} TUN_PRINT=${quote(tunPrint)}`,
    ...(c.isatap ? [`SIT=${LINKS.isatap} SIT_PRINT=${quote(sitPrint)}`] : []),
    `NFT_FILE=${PATHS.nftables} NFT_TABLE=${NFT_TABLE}`,
    `SYSCTL_FILE=${PATHS.sysctl}`,
    `SITE_RULE_PRIORITY=${SITE_RULE_PRIORITY}`,
    ...(c.isatap
      ? [
          `ISATAP_ROUTER=${quote(c.isatap.router)}`,
          `ISATAP_NEXT_HOP=${quote(c.isatap.nextHop)}`,
          `ISATAP_LINK_MTU=${c.isatap.linkMtu}`,
        ]
      : []),
    "",
    'log() { echo "tunnels: $*"; }',
    "",
    "# The device exists and carries the expected fingerprint in its alias.",
    'is_current() { [ "$(cat "/sys/class/net/$1/ifalias" 2>/dev/null)" = "$2" ]; }',
    "",
    "remove_link() {",
    '  if ip link show "$1" >/dev/null 2>&1; then ip link del "$1"; log "removed $1"; fi',
    "}",
    "",
    c.isatap ? ISATAP_UP : NATIVE_UP,
    TUNNEL_UP,
    COMMON_UP_DOWN,
    POLICY_RULES_FUNCTIONS,
    'case "${1:-up}" in',
    "  up)",
    '    sysctl -q -p "$SYSCTL_FILE"',
    `    ${c.isatap ? "isatap_up" : "wait_for_native_address"}`,
    "    tunnel_up",
    "    site_rules_up",
    "    vrrp_link_up",
    '    nft -f "$NFT_FILE"',
    '    log "up: $TUN $TUNNEL_LOCAL -> $RTX_ADDRESS mtu $TUNNEL_MTU, routes ${SITE_CIDRS[*]}"',
    "    ;;",
    "  down)",
    '    nft delete table inet "$NFT_TABLE" 2>/dev/null || true',
    "    site_rules_down",
    '    remove_link "$TUN"',
    ...(c.isatap ? ['    remove_link "$SIT"'] : []),
    '    remove_link "$VRRP_LINK"',
    "    ;;",
    '  *) echo "usage: $0 up|down" >&2; exit 2 ;;',
    "esac",
  ]);
}

const ISATAP_UP = `# sit1: ISATAP client. The router must be in the PRL: without it the kernel drops every packet
# arriving from the router (their inner sources are not ISATAP addresses).
isatap_up() {
  if ! is_current "$SIT" "$SIT_PRINT"; then
    remove_link "$SIT"
    ip tunnel add "$SIT" mode isatap local "$PRIVATE_IP" ttl 64
    ip tunnel prl dev "$SIT" prl-default "$ISATAP_ROUTER"
    ip link set "$SIT" mtu "$ISATAP_LINK_MTU" alias "$SIT_PRINT"
    log "created $SIT (ISATAP, router $ISATAP_ROUTER, mtu $ISATAP_LINK_MTU)"
  fi
  ip link set "$SIT" up
  ip -6 addr replace "$TUNNEL_LOCAL/64" dev "$SIT" nodad
  ip -6 route replace "$RTX_ADDRESS/128" via "$ISATAP_NEXT_HOP" dev "$SIT"
}
`;

const NATIVE_UP = `# Native mode: the ENI's IPv6 address arrives by DHCPv6; the tunnel needs it as its local end.
wait_for_native_address() {
  for _ in $(seq 60); do
    ip -6 addr show scope global | grep -q " $TUNNEL_LOCAL/" && return 0
    sleep 1
  done
  log "the ENI's IPv6 address $TUNNEL_LOCAL is not configured after 60 s"
  return 1
}
`;

const TUNNEL_UP = `# tun0: IPv4 in IPv6 to the RTX. encaplimit none: some routers drop the 8-byte option Linux adds
# by default. The MTU is explicit: Linux sizes a tunnel once, from the route at creation time.
tunnel_up() {
  if ! is_current "$TUN" "$TUN_PRINT"; then
    remove_link "$TUN"
    ip -6 tunnel add "$TUN" mode ipip6 local "$TUNNEL_LOCAL" remote "$RTX_ADDRESS" encaplimit none hoplimit 64
    ip link set "$TUN" mtu "$TUNNEL_MTU" alias "$TUN_PRINT"
    log "created $TUN ($TUNNEL_LOCAL -> $RTX_ADDRESS, mtu $TUNNEL_MTU)"
  fi
  ip link set "$TUN" up
  for cidr in "\${SITE_CIDRS[@]}"; do
    ip route replace "$cidr" dev "$TUN" src "$PRIVATE_IP"
  done
}
`;

const COMMON_UP_DOWN = `# The dummy link holding VRRPv3's placeholder virtual address.
vrrp_link_up() {
  ip link show "$VRRP_LINK" >/dev/null 2>&1 || ip link add "$VRRP_LINK" type dummy
  ip link set "$VRRP_LINK" up
}
`;
