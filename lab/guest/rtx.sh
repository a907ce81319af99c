#!/usr/bin/bash
# The RTX stand-in, built from the intent parsed out of the rendered RTX commands (lab/rtx-intent.ts):
# ipip6 tunnels with the rendered `ip tunnel mtu`, `ip tunnel tcp mss limit auto` as an MSS clamp
# on each tunnel, the static routes, and `ip keepalive` + `ip route ... keepalive ... weight 0` as a
# prober per keepalive that moves the failover routes when a keepalive changes state.

rtx_tunnels() {
  local t dev
  for t in $RTX_TUNNELS; do
    dev=tun$t
    ip -n rtx -6 tunnel add "$dev" mode ipip6 local "$RTX_V6" remote "${RTX_TUN_REMOTE[$t]}" encaplimit none
    ip -n rtx link set "$dev" mtu "${RTX_TUN_MTU[$t]}" up
    if [ "${RTX_TUN_MSS_AUTO[$t]}" = 1 ]; then
      local mss=$(( RTX_TUN_MTU[$t] - 40 ))
      n rtx nft -f - <<NFT
table ip rtx-mss-$t {
  chain forward {
    type filter hook forward priority mangle; policy accept;
    oifname "$dev" tcp flags & (syn|rst) == syn tcp option maxseg size > $mss tcp option maxseg size set $mss
    iifname "$dev" tcp flags & (syn|rst) == syn tcp option maxseg size > $mss tcp option maxseg size set $mss
  }
}
NFT
    fi
  done
}

rtx_static_routes() {
  local r
  for r in "${RTX_STATIC_ROUTES[@]}"; do
    set -- $r   # destination tunnel
    ip -n rtx route replace "$1" dev "tun$2"
  done
}

# A failover route's hops are "tunnel:keepalive:weight"; the first hop whose keepalive is up wins,
# hops of weight 0 only when no weighted hop is up (YAMAHA: weight 0 = used only as a backup).
rtx_pick_hop() {
  local hops=$1 pass hop t k w
  for pass in weighted backup; do
    for hop in $hops; do
      IFS=: read -r t k w <<< "$hop"
      [ "$pass" = weighted ] && [ "$w" = 0 ] && continue
      [ "$pass" = backup ] && [ "$w" != 0 ] && continue
      if [ -z "$k" ] || [ "$(cat "/run/rtx/ka-$k" 2>/dev/null)" = up ]; then echo "$t"; return; fi
    done
  done
}

rtx_apply_failover_routes() {
  local i t
  for i in "${!RTX_FO_DEST[@]}"; do
    t=$(rtx_pick_hop "${RTX_FO_HOPS[$i]}")
    if [ -n "$t" ]; then
      ip -n rtx route replace "${RTX_FO_DEST[$i]}" dev "tun$t"
    else
      ip -n rtx route del "${RTX_FO_DEST[$i]}" 2>/dev/null
    fi
  done
}

# rtx_keepalive ID: one probe per interval from the LAN address to the target (through the /32
# route, i.e. its own tunnel). A probe waits downwait seconds for its reply while the keepalive is
# up, upwait seconds while it is down; COUNT unanswered probes in a row take it down, one reply
# brings it up. Probes are an interval apart, so a tunnel is never judged down sooner than
# interval x count after it failed.
rtx_keepalive() {
  local k=$1 interval=${RTX_KA_INTERVAL[$1]} target=${RTX_KA_TARGET[$1]} src=${RTX_KA_LOCAL[$1]}
  local count=${RTX_KA_COUNT[$1]} state=down misses=0 start wait next
  echo down > "/run/rtx/ka-$k"
  while :; do
    start=$EPOCHREALTIME
    if [ $state = up ]; then wait=${RTX_KA_DOWNWAIT[$k]}; else wait=${RTX_KA_UPWAIT[$k]}; fi
    if n rtx ping -n -q -c 1 -W "$wait" -I "$src" "$target" >/dev/null 2>&1; then
      misses=0
      [ $state = down ] && state=up
    else
      misses=$((misses + 1))
      [ $state = up ] && (( misses >= count )) && state=down
    fi
    if [ "$(cat "/run/rtx/ka-$k")" != $state ]; then
      echo $state > "/run/rtx/ka-$k"
      echo "$EPOCHREALTIME keepalive $k $state" >> /lab/log/rtx/keepalive.log
      rtx_apply_failover_routes
    fi
    next=$(awk -v s="$start" -v i="$interval" -v n="$EPOCHREALTIME" 'BEGIN { d = s + i - n; printf "%.3f", (d > 0 ? d : 0) }')
    sleep "$next"
  done
}

rtx_start() {
  mkdir -p /run/rtx /lab/log/rtx
  rtx_tunnels
  rtx_static_routes
  local k
  for k in $RTX_KEEPALIVES; do rtx_keepalive "$k" & done
}

# rtx_active_tunnel DEST: the tunnel the failover route for DEST uses now ("none" when removed).
rtx_active_tunnel() {
  ip -n rtx route show "$1" | sed -n 's/.* dev tun\([0-9]*\).*/\1/p' | head -1 | grep . || echo none
}
