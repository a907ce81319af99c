#!/bin/bash
# False failovers under CPU starvation: the gateway side of detection (keepalived's VRRP adverts and
# the tunnel prober's ping) on a CPU budget like a t4g.nano's out of credits (5 % of one vCPU).
#
# Two network namespaces joined by a veth stand for the two gateways. In "a" (the master) keepalived
# and the rendered tunnel prober (src/gateway/prober.ts for the example stack, unchanged: its ping
# through a veth named tun0 to the RTX's LAN address, which "b" holds) run in a CPU cgroup capped at
# --cpu-percent (cgroup v1 cpu.cfs_quota_us, or v2 cpu.max: what cpulimit approximates with
# signals), with a CPU hog in the same cgroup standing for whatever else the instance runs (the
# periodic metrics, dnf, sshd). Nothing fails: every transition of "b" to MASTER is a false
# failover, and every "1" the prober writes to its track file a false "tunnel down".
# docs/gateway-prober.md has the figures and the defaults chosen from them.
#
# Usage: bench/detection/run.sh [--advert-ms 200] [--probe-ms 100] [--down-after 3] [--budget 2]
#          [--cpu-percent 5] [--seconds 120] [--hog 1|0] [--keepalived-nice 0]
# Needs: root, keepalived, iproute2, iputils ping, node (npm ci) to render the prober. Prints one
# JSON line.
set -euo pipefail
ADVERT_MS=200 PROBE_MS=100 DOWN_AFTER=3 BUDGET=2 CPU=5 SECONDS_RUN=120 HOG=1 KA_NICE=0
while [ $# -gt 0 ]; do
  case $1 in
    --advert-ms) ADVERT_MS=$2 ;;
    --probe-ms) PROBE_MS=$2 ;;
    --down-after) DOWN_AFTER=$2 ;;
    --budget) BUDGET=$2 ;;
    --cpu-percent) CPU=$2 ;;
    --seconds) SECONDS_RUN=$2 ;;
    --hog) HOG=$2 ;;
    --keepalived-nice) KA_NICE=$2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done
work=$(mktemp -d /tmp/vig-detection.XXXXXX)
cg=
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # keepalived stops its children first; the cgroup can go only once every process has left it
  wait 2>/dev/null || true
  sleep 0.3
  ip netns del vd-a 2>/dev/null || true
  ip netns del vd-b 2>/dev/null || true
  if [ -n "$cg" ]; then rmdir "$cg" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# the CPU cap: cgroup v2 when mounted unified, else v1's cpu controller
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  cg=/sys/fs/cgroup/vig-detection-$$
  mkdir "$cg"
  echo "$((CPU * 1000)) 100000" > "$cg/cpu.max"
else
  cg=/sys/fs/cgroup/cpu/vig-detection-$$
  mkdir "$cg"
  echo 100000 > "$cg/cpu.cfs_period_us"
  echo "$((CPU * 1000))" > "$cg/cpu.cfs_quota_us"
fi
capped() { echo "$1" > "$cg/cgroup.procs"; }

ip netns add vd-a
ip netns add vd-b
root=$(cd "$(dirname "$0")/../.." && pwd)
# the rendered prober of the isatap example with this run's interval, budget and misses
(cd "$root" && node -r ts-node/register/transpile-only -e '
  const { renderGateway } = require("./src/gateway/render");
  const { PATHS } = require("./src/gateway/paths");
  const { exampleConfig } = require("./test/support/stacks");
  process.stdout.write(renderGateway(exampleConfig("isatap"), 0).files[PATHS.proberScript]);
') > "$work/prober"
sed -i -e "s/^INTERVAL_S=[0-9.]* DOWN_AFTER=[0-9]*/INTERVAL_S=$(awk "BEGIN { print $PROBE_MS / 1000 }") DOWN_AFTER=$DOWN_AFTER/" \
  -e "s/^BUDGET=[0-9]*/BUDGET=$BUDGET/" "$work/prober"
target=$(sed -n "s/^LINK=tun0 TARGET=\([0-9.]*\)$/\1/p" "$work/prober")
[ -n "$target" ] || { echo "no TARGET in the rendered prober" >&2; exit 1; }
ip link add tun0 netns vd-a type veth peer name vb netns vd-b
va=tun0
ip -n vd-a addr add 10.99.0.1/24 dev "$va"
ip -n vd-b addr add 10.99.0.2/24 dev vb
ip -n vd-b addr add "$target/32" dev vb
for n in vd-a vd-b; do ip -n "$n" link set lo up; done
ip -n vd-a link set "$va" up
ip -n vd-a route add "$target/32" dev "$va"
ip -n vd-b link set vb up

# keepalived.conf as the gateways render it (src/gateway/keepalived.ts): VRRPv3, unicast, no track
conf() {
  cat <<CONF
global_defs {
  router_id vd-$1
  vrrp_version 3
}
vrrp_instance vd {
  state BACKUP
  interface $2
  virtual_router_id 199
  priority $3
  advert_int $(awk "BEGIN { printf \"%.2f\", $ADVERT_MS / 1000 }")
  unicast_src_ip $4
  unicast_peer {
    $5
  }
  virtual_ipaddress {
    169.254.254.199/32 dev $2
  }
}
CONF
}
conf a "$va" 200 10.99.0.1 10.99.0.2 > "$work/a.conf"
conf b vb 100 10.99.0.2 10.99.0.1 > "$work/b.conf"
ka() {
  ip netns exec "vd-$1" nice -n "$2" keepalived --dont-fork --log-console -f "$work/$1.conf" \
    -p "$work/$1.pid" -r "$work/$1-vrrp.pid" -c "$work/$1-chk.pid" > "$work/$1.log" 2>&1 &
  pids+=($!)
}
ka b 0
ka a "$KA_NICE"
# a is master before the cap goes on
for _ in $(seq 100); do grep -q "Entering MASTER" "$work/a.log" && break; sleep 0.1; done
grep -q "Entering MASTER" "$work/a.log" || { echo "a never became master:" >&2; cat "$work/a.log" >&2; exit 1; }
sleep 2
masters_before=$(grep -c "Entering MASTER" "$work/b.log" || true)
while read -r p; do capped "$p"; done < <(cat "$work/a.pid" "$work/a-vrrp.pid" 2>/dev/null)
# the prober, capped as well (its bash loop and its ping: the ping is its child, started after the
# move, so it is in the cgroup too); up first, then the count starts
mkdir -p "$work/state"
echo 0 > "$work/state/tunnel-down"
ip netns exec vd-a env PROBER_STATE_DIR="$work/state" bash "$work/prober" > "$work/prober.log" 2>&1 &
pids+=($!)
capped "$!"
for _ in $(seq 100); do grep -q '"state": "up"' "$work/state/prober.json" 2>/dev/null && break; sleep 0.1; done
# every write of the track file, as keepalived would see it
( last=0; while sleep 0.05; do v=$(cat "$work/state/tunnel-down" 2>/dev/null); [ "$v" != "$last" ] && { echo "$v" >> "$work/track.log"; last=$v; }; done ) &
pids+=($!)
if [ "$HOG" = 1 ]; then
  (exec yes > /dev/null) &
  pids+=($!)
  capped "$!"
fi
sleep "$SECONDS_RUN"

false_failovers=$(( $(grep -c "Entering MASTER" "$work/b.log" || true) - masters_before ))
false_downs=$(grep -c '^1$' "$work/track.log" 2>/dev/null || true)
# the prober's own figures at the end: probes sent in its window, loss and late replies
status=$(tr -d "\n" < "$work/state/prober.json" 2>/dev/null)
totals=$(sed -n 's/.*"totals": \({[^}]*}\).*/\1/p' <<< "$status")
printf '{"advertMs": %s, "probeMs": %s, "downAfter": %s, "budget": %s, "cpuPercent": %s, "hog": %s, "keepalivedNice": %s, "seconds": %s, "falseFailovers": %s, "falseDowns": %s, "proberTotals": %s, "loadavg": "%s"}\n' \
  "$ADVERT_MS" "$PROBE_MS" "$DOWN_AFTER" "$BUDGET" "$CPU" "$HOG" "$KA_NICE" "$SECONDS_RUN" \
  "$false_failovers" "${false_downs:-0}" "${totals:-null}" "$(cut -d' ' -f1-3 /proc/loadavg)"
