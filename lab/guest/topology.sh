#!/usr/bin/bash
# Builds the fixed part of the lab: every namespace except the gateways, which gateway.sh boots.
#
#  vpc-host --\                       /-- gw-a (own subnet, $IFACE) --\
#              vpc-router (route tables) -- gw-b (own subnet)        ipip6 over IPv6 --> rtx --> site-host
#                  \-- uplink -- v6-router (ISATAP router or native IPv6 router) ------/
# vpc-router stands in for the VPC's implicit router: it never decrements the TTL of VRRP (the VPC
# fabric is not a hop), and one Linux table per managed route table holds the site routes.

# veth NS_A IF_A NS_B IF_B MTU
veth() {
  ip link add "$2" netns "$1" mtu "$5" type veth peer name "$4" netns "$3" mtu "$5"
  ip -n "$1" link set "$2" up
  ip -n "$3" link set "$4" up
}

new_ns() {
  ip netns add "$1"
  ip -n "$1" link set lo up
  n "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

build_vpc_router() {
  n vpc-router sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
    net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0
  local i
  for i in "${!ROUTE_TABLE_IDS[@]}"; do
    echo "$((100 + i)) ${ROUTE_TABLE_IDS[$i]}" >> /lab/vpc/route-tables
  done
  # the VPC host's subnet is associated with the first managed route table
  ip -n vpc-router rule add from "$VPC_HOST_SUBNET" lookup 100 pref 100
  n vpc-router nft -f - <<NFT
table ip vpc-fabric {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ip protocol vrrp ip ttl set 255
  }
}
NFT
}

build_vpc_host() {
  veth vpc-host eth0 vpc-router vpc-host "$VPC_LINK_MTU"
  ip -n vpc-router addr add "$VPC_HOST_ROUTER/$VPC_HOST_PREFIX" dev vpc-host
  ip -n vpc-host addr add "$VPC_HOST_IP/$VPC_HOST_PREFIX" dev eth0
  ip -n vpc-host route add default via "$VPC_HOST_ROUTER"
}

build_v6_router() {
  n v6-router sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  veth vpc-router uplink v6-router vpc "$UPLINK_MTU"
  veth v6-router rtx rtx wan "$PATH_MTU"
  ip -n v6-router -6 addr add fe80::1/64 dev rtx
  ip -n v6-router -6 route add "$RTX_V6/128" dev rtx
  if [ "$MODE" = isatap ]; then
    # IPv4 side: the ISATAP router's address, reached from the VPC through vpc-router
    ip -n vpc-router addr add "$UPLINK_V4/32" dev uplink
    ip -n v6-router addr add "$ISATAP_ROUTER/32" dev vpc
    ip -n vpc-router route add "$ISATAP_ROUTER/32" dev uplink
    ip -n v6-router route add default via "$UPLINK_V4" dev vpc onlink
    ip -n v6-router tunnel add is0 mode isatap local "$ISATAP_ROUTER"
    ip -n v6-router link set is0 up
    ip -n v6-router -6 addr add "$ISATAP_ROUTER_V6/64" dev is0
  else
    # native: the VPC router routes the gateways' IPv6 addresses; v6-router is the closed network
    ip -n vpc-router -6 addr add fe80::1/64 dev uplink
    ip -n v6-router -6 addr add fe80::2/64 dev vpc
    ip -n vpc-router -6 route add default via fe80::2 dev uplink
    local g
    for g in "${GW_NAMES[@]}"; do ip -n v6-router -6 route add "${GW_V6[$g]}/128" via fe80::1 dev vpc; done
  fi
}

build_rtx_and_site() {
  n rtx sysctl -qw net.ipv4.ip_forward=1
  ip -n rtx -6 addr add fe80::2/64 dev wan
  ip -n rtx -6 addr add "$RTX_V6/128" dev wan
  ip -n rtx -6 route add default via fe80::1 dev wan
  veth rtx lan site-host eth0 1500
  ip -n rtx addr add "$RTX_LAN/$SITE_LAN_PREFIX" dev lan
  ip -n site-host addr add "$SITE_HOST_IP/$SITE_LAN_PREFIX" dev eth0
  ip -n site-host route add default via "$RTX_LAN"
}

build_topology() {
  mkdir -p /lab/vpc /lab/log
  local ns
  for ns in vpc-router vpc-host v6-router rtx site-host; do new_ns "$ns"; done
  : > /lab/vpc/route-tables
  local g
  for g in "${GW_NAMES[@]}"; do echo "${GW_ENI[$g]} ${GW_IP[$g]}"; done > /lab/vpc/enis
  build_vpc_router
  build_vpc_host
  build_v6_router
  build_rtx_and_site
}
