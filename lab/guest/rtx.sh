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
# Builtins only (no subshells): a real RTX switches in microseconds, the stand-in should not add
# emulated process starts to the measured outage beyond the one `ip` call.
rtx_pick_hop() {
  local hops=$1 pass hop t k w st
  PICKED=
  for pass in weighted backup; do
    for hop in $hops; do
      IFS=: read -r t k w <<< "$hop"
      [ "$pass" = weighted ] && [ "$w" = 0 ] && continue
      [ "$pass" = backup ] && [ "$w" != 0 ] && continue
      st=up
      [ -z "$k" ] || read -r st < "/run/rtx/ka-$k"
      if [ "$st" = up ]; then PICKED=$t; return; fi
    done
  done
}

rtx_apply_failover_routes() {
  local i
  for i in "${!RTX_FO_DEST[@]}"; do
    rtx_pick_hop "${RTX_FO_HOPS[$i]}"
    if [ -n "$PICKED" ]; then
      ip -n rtx route replace "${RTX_FO_DEST[$i]}" dev "tun$PICKED"
    else
      ip -n rtx route del "${RTX_FO_DEST[$i]}" 2>/dev/null
    fi
  done
}

# rtx_keepalive ID: one long-running ping from the LAN address to the target (through the /32
# route, i.e. its own tunnel), a probe every interval. A probe with no reply when the next one is
# sent (ping -O) is a miss: with the rendered downwait equal to the interval that is the RTX's
# reply timeout (lab/run.ts warns when they differ). COUNT misses in a row take the keepalive
# down, one reply brings it up. Probes are an interval apart, so a tunnel is never judged down
# sooner than interval x count after it failed.
rtx_keepalive() {
  local k=$1 count=${RTX_KA_COUNT[$1]} state=down reported=down misses=0 line
  echo down > "/run/rtx/ka-$k"
  ip netns exec rtx ping -n -O -i "${RTX_KA_INTERVAL[$k]}" -I "${RTX_KA_LOCAL[$k]}" "${RTX_KA_TARGET[$k]}" 2>&1 |
    while IFS= read -r line; do
      case $line in
        *" bytes from "*) misses=0; state=up ;;
        *"no answer yet"* | *nreachable* | *"Time to live exceeded"*)
          misses=$((misses + 1))
          if [ $state = up ] && (( misses >= count )); then state=down; fi ;;
        *) continue ;;
      esac
      if [ $state != "$reported" ]; then
        reported=$state
        echo $state > "/run/rtx/ka-$k"
        rtx_apply_failover_routes
        echo "$EPOCHREALTIME keepalive $k $state" >> /lab/log/rtx/keepalive.log
      fi
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
