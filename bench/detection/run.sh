#!/bin/bash
# False failovers under CPU starvation: the gateway side of detection (keepalived's VRRP adverts and
# the tunnel prober's ping) on a CPU budget like a t4g.nano's out of credits (5 % of one vCPU).
#
# Two network namespaces joined by a veth stand for the two gateways. In "a" (the master) keepalived
# and a `ping -O` at the prober's interval run in a CPU cgroup capped at --cpu-percent (cgroup v1
# cpu.cfs_quota_us, or v2 cpu.max: what cpulimit approximates with signals), with a CPU hog in the
# same cgroup standing for whatever else the instance runs (the periodic metrics, dnf, sshd).
# Nothing fails: every transition of "b" to MASTER is a false failover, and every run of
# --down-after or more unanswered probes a false "tunnel down" of the prober. docs/gateway-prober.md
# has the figures and the defaults chosen from them.
#
# Usage: bench/detection/run.sh [--advert-ms 200] [--probe-ms 100] [--down-after 3] [--budget 2]
#          [--cpu-percent 5] [--seconds 120] [--hog 1|0] [--keepalived-nice 0]
# Needs: root, keepalived, iproute2, iputils ping. Prints one JSON line.
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
ip link add va netns vd-a type veth peer name vb netns vd-b
ip -n vd-a addr add 10.99.0.1/24 dev va
ip -n vd-b addr add 10.99.0.2/24 dev vb
for n in vd-a vd-b; do ip -n "$n" link set lo up; done
ip -n vd-a link set va up
ip -n vd-b link set vb up
ip -n vd-a link add vig-vrrp type dummy && ip -n vd-a link set vig-vrrp up
ip -n vd-b link add vig-vrrp type dummy && ip -n vd-b link set vig-vrrp up

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
    169.254.254.199/32 dev vig-vrrp
  }
}
CONF
}
conf a va 200 10.99.0.1 10.99.0.2 > "$work/a.conf"
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
sleep 2
masters_before=$(grep -c "Entering MASTER" "$work/b.log" || true)
while read -r p; do capped "$p"; done < <(cat "$work/a.pid" "$work/a-vrrp.pid" 2>/dev/null)
# the prober's probe stream, capped as well: -O prints "no answer yet" when a probe's reply has not
# come by the time the next one goes
ip netns exec vd-a ping -n -O -i "$(awk "BEGIN { print $PROBE_MS / 1000 }")" 10.99.0.2 > "$work/ping.log" 2>&1 &
pids+=($!)
capped "$!"
if [ "$HOG" = 1 ]; then
  (exec yes > /dev/null) &
  pids+=($!)
  capped "$!"
fi
sleep "$SECONDS_RUN"

false_failovers=$(( $(grep -c "Entering MASTER" "$work/b.log" || true) - masters_before ))
# runs of unanswered probes: a false "down" needs DOWN_AFTER misses in a row, each judged a miss once
# BUDGET probes have gone without its reply; ping -O marks a probe unanswered when the next one goes
read -r probes misses false_downs longest < <(awk -v need="$DOWN_AFTER" '
  /icmp_seq=/ { n++ }
  /no answer yet/ { m++; run++; if (run > longest) longest = run; if (run == need) downs++; next }
  /bytes from/ { run = 0 }
  END { printf "%d %d %d %d\n", n, m, downs, longest }' "$work/ping.log")
# ping counts a reply that came late twice (once "no answer yet", once its reply): late, not lost
printf '{"advertMs": %s, "probeMs": %s, "downAfter": %s, "budget": %s, "cpuPercent": %s, "hog": %s, "keepalivedNice": %s, "seconds": %s, "falseFailovers": %s, "probeLines": %s, "lateProbes": %s, "falseDowns": %s, "longestLateRun": %s, "loadavg": "%s"}\n' \
  "$ADVERT_MS" "$PROBE_MS" "$DOWN_AFTER" "$BUDGET" "$CPU" "$HOG" "$KA_NICE" "$SECONDS_RUN" \
  "$false_failovers" "$probes" "$misses" "$false_downs" "$longest" "$(cut -d' ' -f1-3 /proc/loadavg)"
