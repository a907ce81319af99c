#!/usr/bin/bash
# A gateway "host": network namespace NAME plus, for every command run in it, a mount namespace in
# which the gateway's own disk tree (/lab/hosts/NAME, holding the rendered files byte for byte) is
# bound over $BIND_DIRS. Booting it does what EC2 + systemd would: the link and addresses the VPC
# hands out, sysctl.d, the tunnels unit's ExecStart, then keepalived.

# gx NAME CMD...: runs CMD on gateway NAME (its netns, its files at their rendered paths).
gx() {
  local g=$1; shift
  n "$g" bash -c 'root=$1; shift; for d in $BIND_DIRS; do mount --bind "$root$d" "$d" || exit 97; done; exec "$@"' \
    gx "/lab/hosts/$g" "$@"
}

# The gateway's disk: a copy of the guest's own dirs with the rendered files laid over them.
# Made once; a reboot keeps it, like an EBS root volume.
gw_disk() {
  local g=$1 root=/lab/hosts/$1 d
  [ -d "$root" ] && return 0
  for d in $BIND_DIRS; do
    mkdir -p "$root$d" "$d"
    [ -d "$d" ] && cp -a "$d/." "$root$d/"
  done
  cp -a "/lab/rendered/$g/." "$root/"
  mkdir -p "/lab/log/$g"
  cat > "$root/etc/lab-identity" <<ID
NAME=$g
ENI=${GW_ENI[$g]}
REGION=$REGION
INSTANCE_ID=${GW_INSTANCE[$g]}
PRIVATE_IP=${GW_IP[$g]}
IFACE=$IFACE
ID
}

# What the VPC provides before the OS runs anything: the ENI, its addresses, the default routes;
# and what amazon-ec2-net-utils 2.4.0 added on the primary ENI (docs/lab.md): a policy rule for the
# private IP at priority 10000 into table 10000, whose default route leaves by the ENI.
gw_link() {
  local g=$1
  ip link add "$IFACE" netns "$g" address "${GW_MAC[$g]}" mtu "$VPC_LINK_MTU" type veth \
    peer name "$g" netns vpc-router mtu "$VPC_LINK_MTU"
  ip -n vpc-router link set "$g" up
  ip -n vpc-router addr add "${GW_ROUTER[$g]}/${GW_PREFIX[$g]}" dev "$g"
  ip -n "$g" link set "$IFACE" up
  ip -n "$g" addr add "${GW_IP[$g]}/${GW_PREFIX[$g]}" dev "$IFACE"
  ip -n "$g" route add default via "${GW_ROUTER[$g]}"
  ip -n "$g" route add default via "${GW_ROUTER[$g]}" dev "$IFACE" table 10000
  ip -n "$g" rule add from "${GW_IP[$g]}" lookup 10000 pref 10000
  if [ "$MODE" = native ]; then
    ip -n vpc-router -6 addr add fe80::1/64 dev "$g"
    ip -n vpc-router -6 route add "${GW_V6[$g]}/128" dev "$g"
    ip -n "$g" -6 addr add "${GW_V6[$g]}/64" dev "$IFACE"
    ip -n "$g" -6 route add default via fe80::1 dev "$IFACE"
  fi
}

# stamp: each line of stdin prefixed with the epoch in microseconds (bash builtins only), as the
# journal would stamp it; keepalived's own console stamps are whole seconds.
stamp() { local l; while IFS= read -r l; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done; }

gw_start_keepalived() {
  local g=$1
  # keepalived logs to the console on stderr, unbuffered: the stamps are when it logged
  gx "$g" keepalived --dont-fork --log-console --log-detail -f "$KEEPALIVED_CONF" \
    -p "/run/lab-$g-keepalived.pid" -r "/run/lab-$g-vrrp.pid" -c "/run/lab-$g-checkers.pid" \
    2>&1 | stamp >> "/lab/log/$g/keepalived.log" &
}

# gw_boot NAME: power on (first boot or reboot).
gw_boot() {
  local g=$1 f d s
  new_ns "$g"
  gw_disk "$g"
  gw_link "$g"
  for d in $RUNTIME_DIRS; do rm -rf "/lab/hosts/$g$d"; mkdir -p "/lab/hosts/$g$d"; done
  for f in $SYSCTL_FILES; do gx "$g" sysctl -q -p "$f" >> "/lab/log/$g/boot.log" 2>&1 || warn "$g: sysctl -p $f failed"; done
  echo "== ExecStart: $EXEC_START" >> "/lab/log/$g/boot.log"
  if ! gx "$g" bash -c "$EXEC_START" >> "/lab/log/$g/boot.log" 2>&1; then
    warn "$g: the tunnels unit's ExecStart failed (see its boot.log)"
    dump_file "$g/boot.log" "/lab/log/$g/boot.log"
    echo "@@LAB value $g.execStartOk false"
  fi
  for s in "${SERVICES[@]}"; do
    echo "== service: $s" >> "/lab/log/$g/boot.log"
    gx "$g" bash -c "$s" 2>&1 | stamp >> "/lab/log/$g/services.log" &
  done
  # keepalived's drop-in: After= the route mover, which is started (Type=notify) once its FIFO is open
  wait_for 20 test -p "/lab/hosts/$g$MOVER_FIFO" || warn "$g: the route mover's FIFO is not there after 20 s"
  gw_start_keepalived "$g"
  for s in "${KEEPALIVED_POST[@]}"; do
    echo "== keepalived ExecStartPost: $s" >> "/lab/log/$g/boot.log"
    gx "$g" bash -c "$s" >> "/lab/log/$g/services.log" 2>&1 &
  done
}

# gw_mover_pid NAME: the route mover's pid (it keeps it in its lock file), empty when none runs.
gw_mover_pid() {
  local p
  p=$(head -n 1 "/lab/hosts/$1$MOVER_LOCK" 2>/dev/null)
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"
}

# gw_mover_count NAME: route mover processes running in NAME (the active one and its spare): python
# processes whose command line names the mover, not the shells that restart them.
gw_mover_count() {
  local p cmd n=0
  for p in $(ip netns pids "$1"); do
    cmd=$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null) || continue
    [[ $cmd == *python3\ * && $cmd != *bash\ * && $cmd == *route-mover\ * ]] && n=$((n + 1))
  done
  echo "$n"
}

# gw_is_master NAME: keepalived holds VRRP's placeholder address on NAME (it is master).
gw_is_master() { ip -n "$1" -4 -o addr show dev "$VRRP_LINK" 2>/dev/null | grep -q " $VRRP_ADDR/"; }

# gw_reply_dev NAME: the link the gateway's reply to the RTX's keepalive (from its private IP to
# the RTX's LAN address) leaves by, with every policy rule in place.
gw_reply_dev() {
  ip -n "$1" route get "$RTX_LAN" from "${GW_IP[$1]}" | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -1
}

# gw_crash_plan NAME: the batch that takes every link of NAME down, written before the crash.
gw_crash_plan() {
  ip -n "$1" -o link show | awk -F': ' '{ split($2, l, "@"); print "link set " l[1] " down" }' \
    > "/tmp/crash-$1.batch"
}

# gw_crash NAME: the instance stops dead: forwarding and adverts stop at the same moment, as when an
# EC2 instance fails, then every process is killed, nothing said. Every link goes down first, in one
# `ip -batch` process planned beforehand (gw_crash_plan): killing the processes first stopped the
# adverts while the links still forwarded for 175-900 ms under TCG, which started the peer's
# master-down timer before the outage and shortened it (to 0 ms in one run). One process: a crashed
# instance costs its peer no CPU.
gw_crash() {
  local g=$1 p
  ip -n "$g" -batch "/tmp/crash-$g.batch" 2>/dev/null
  for p in $(ip netns pids "$g"); do kill -9 "$p" 2>/dev/null; done
}

# gw_power_off NAME: what is left of a crashed instance goes away (its ENI link with it).
gw_power_off() {
  local g=$1 p
  for p in $(ip netns pids "$g"); do kill -9 "$p" 2>/dev/null; done
  ip netns del "$g"
  ip -n vpc-router link del "$g" 2>/dev/null || true
}

# gw_exec_stop NAME: the unit's ExecStop (checked once: `down` must undo `up`).
gw_exec_stop() { gx "$1" bash -c "$EXEC_STOP"; }
