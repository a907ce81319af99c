#!/usr/bin/bash
# The lab's scenario sequence, run once per boot. Every figure goes to the console as an @@LAB line;
# the host (lab/run.ts) turns them into the report and checks.
set -u
[ -n "${LAB_TRACE:-}" ] && set -x
. /lab/lab.env
for f in lib topology gateway rtx measure aws split; do . "/lab/guest/$f.sh"; done
# logger, the lab's journal, is in /usr/bin; EC2 and IMDS are the stand-in aws.sh starts

# vpc_route_gateway TABLE_NUMBER: the gateway the first site CIDR's route points at ("none").
vpc_route_gateway() {
  local via g
  via=$(ip -n vpc-router route show "${SITE_CIDRS[0]}" table "$1" | sed -n 's/.* via \([0-9.]*\).*/\1/p')
  for g in "${GW_NAMES[@]}"; do [ "${GW_IP[$g]}" = "$via" ] && { echo "$g"; return; }; done
  echo none
}

# vpc_routes_all_on GATEWAY: every site CIDR in every managed route table points at GATEWAY.
vpc_routes_all_on() {
  local t c
  for t in "${!ROUTE_TABLE_IDS[@]}"; do
    for c in "${SITE_CIDRS[@]}"; do
      ip -n vpc-router route show "$c" table $((100 + t)) | grep -q " via ${GW_IP[$1]} " || return 1
    done
  done
}

rtx_on_tunnel() { [ "$(rtx_active_tunnel "${VPC_CIDRS[0]}")" = "$1" ]; }

# steady_on GATEWAY TUNNEL: VPC routes on GATEWAY and the RTX using TUNNEL, end to end reachable.
steady_on() {
  vpc_routes_all_on "$1" && rtx_on_tunnel "$2" &&
    n vpc-host ping -n -q -c 1 -W 1 "$SITE_HOST_IP" >/dev/null && n site-host ping -n -q -c 1 -W 1 "$VPC_HOST_IP" >/dev/null
}

# run_oneshots PREFIX: every timer-driven oneshot once on each gateway, and a re-assert asked of its
# route mover (ExecReload), the exit codes as PREFIX.GW.I.rc and PREFIX.GW.reassert.rc.
run_oneshots() {
  local g i
  for g in "${GW_NAMES[@]}"; do
    for i in "${!EXTRA_ONESHOTS[@]}"; do
      gx "$g" bash -c "${EXTRA_ONESHOTS[$i]}" >> "/lab/log/$g/oneshot.log" 2>&1; value "$1.$g.$i.rc" $?
    done
    gx "$g" bash -c "$MOVER_RELOAD" >> "/lab/log/$g/oneshot.log" 2>&1; value "$1.$g.reassert.rc" $?
  done
  # the re-asserts run in the movers: give them a round trip to EC2
  sleep 2
}

report_state() {
  local tag=$1 t
  value "$tag.activeAfter" "$(vpc_route_gateway 100)"
  value "$tag.rtxTunnelAfter" "$(rtx_active_tunnel "${VPC_CIDRS[0]}")"
  for t in "${!ROUTE_TABLE_IDS[@]}"; do value "$tag.routeTable.${ROUTE_TABLE_IDS[$t]}" "$(vpc_route_gateway $((100 + t)))"; done
}

# cut_tunnel GATEWAY: the IPv6 path to GATEWAY drops at the IPv6 router (table lab-cut).
cut_tunnel() {
  n v6-router nft -f - <<NFT
table inet lab-cut {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ip6 daddr ${GW_TUNNEL_ADDR[$1]} drop
    ip6 saddr ${GW_TUNNEL_ADDR[$1]} drop
  }
}
NFT
}

PRIMARY=${GW_NAMES[0]}
STANDBY=${GW_NAMES[1]}
PRIMARY_TUNNEL=${RTX_TUNNEL_OF[$PRIMARY]}
STANDBY_TUNNEL=${RTX_TUNNEL_OF[$STANDBY]}
POST_FAILURE_S=$(( (RTX_DETECTION_MS + 999) / 1000 + 4 ))

progress "kernel $(uname -r); building the topology ($MODE mode)"
value kernel "$(uname -r)"
syslogd -O /lab/log/syslog.log
# logger's journal stamps are /proc/uptime; everything else is the epoch: one pair to line them up
value clock.epochAtUptime "$(now) $(cut -d' ' -f1 /proc/uptime)"
build_topology
aws_start || value aws.started false
rtx_start
for g in "${GW_NAMES[@]}"; do gw_boot "$g"; done
t0=$(now)
if wait_for 40 steady_on "$PRIMARY" "$PRIMARY_TUNNEL"; then
  progress "$PRIMARY is master, routes and RTX tunnel $PRIMARY_TUNNEL in place after $(elapsed_ms "$t0") ms"
  value converged true
else
  progress "did not converge on $PRIMARY within 40 s"
  value converged false
fi
report_state initial
# The timers' first runs (OnBootSec=60 s; the lab reaches its first failover about a minute after the
# gateways boot), and a re-assert of each route mover.
progress "the timers' first runs on both gateways (OnBootSec)"
run_oneshots bootTimers
for g in "${GW_NAMES[@]}"; do value "policy.$g.replyDev" "$(gw_reply_dev "$g")"; done

progress "steady state: 20 pings each way"
steady_pings 20
progress "path MTU with DF, both directions"
measure_pmtu
progress "TCP MSS in SYNs at both hosts"
measure_mss "$PRIMARY"

progress "tunnel-only failure: the IPv6 path to $PRIMARY drops at the IPv6 router"
probes_start tunnelFailure
sleep 2
value tunnelFailure.eventAt "$(now)"
cut_tunnel "$PRIMARY"
sleep "$POST_FAILURE_S"
probes_stop tunnelFailure
report_state tunnelFailure
value tunnelFailure.endAt "$(now)"
# the prober's status file holds its transitions to the microsecond (the failover timeline's detection)
cp "/lab/hosts/$PRIMARY/run/vpc-ipip6-gateway/prober.json" "/lab/log/$PRIMARY/prober-tunnelFailure.json" 2>/dev/null

progress "tunnel restored: failback to $PRIMARY"
probes_start failbackTunnel
sleep 1
value failbackTunnel.eventAt "$(now)"
n v6-router nft delete table inet lab-cut
wait_for 30 steady_on "$PRIMARY" "$PRIMARY_TUNNEL" || warn "no failback to $PRIMARY after the tunnel came back"
sleep 2
probes_stop failbackTunnel
report_state failbackTunnel

progress "gateway crash: $PRIMARY stops dead"
probes_start gatewayCrash
gw_crash_plan "$PRIMARY"
sleep 2
value gatewayCrash.eventAt "$(now)"
gw_crash "$PRIMARY"
sleep "$POST_FAILURE_S"
probes_stop gatewayCrash
report_state gatewayCrash
value gatewayCrash.endAt "$(now)"

progress "reboot: $PRIMARY's namespace rebuilt, sysctl + ExecStart + keepalived as at boot"
gw_power_off "$PRIMARY"
probes_start failbackReboot
sleep 1
value failbackReboot.eventAt "$(now)"
t0=$(now)
gw_boot "$PRIMARY"
if wait_for 40 steady_on "$PRIMARY" "$PRIMARY_TUNNEL"; then
  value reboot.recovered true
  value reboot.recoveryMs "$(elapsed_ms "$t0")"
else
  value reboot.recovered false
fi
sleep 2
probes_stop failbackReboot
report_state failbackReboot

progress "route mover death: $STANDBY's active mover killed (SIGKILL), then $PRIMARY's tunnel cut at once"
steady_on "$PRIMARY" "$PRIMARY_TUNNEL" || wait_for 30 steady_on "$PRIMARY" "$PRIMARY_TUNNEL"
probes_start moverDeath
sleep 2
old=$(gw_mover_pid "$STANDBY")
value moverDeath.moversBefore "$(gw_mover_count "$STANDBY")"
value moverDeath.eventAt "$(now)"
t0=$(now)
kill -9 "$old"
cut_tunnel "$PRIMARY"
# the spare takes the lock and writes its pid (or, without one, the unit's Restart=always starts a new mover)
until p=$(gw_mover_pid "$STANDBY") && [ -n "$p" ] && [ "$p" != "$old" ]; do
  (( $(elapsed_ms "$t0") > 10000 )) && break
  sleep 0.02
done
[ -n "${p:-}" ] && [ "$p" != "$old" ] && value moverDeath.restartMs "$(elapsed_ms "$t0")"
sleep "$POST_FAILURE_S"
# the killed mover's unit (Restart=always) is back, as the new spare
value moverDeath.moversAfter "$(gw_mover_count "$STANDBY")"
probes_stop moverDeath
report_state moverDeath
value moverDeath.endAt "$(now)"
n v6-router nft delete table inet lab-cut
wait_for 30 steady_on "$PRIMARY" "$PRIMARY_TUNNEL" || warn "no failback to $PRIMARY after the mover death scenario"

progress "split brain: VRRP dropped in the VPC fabric for ${SPLIT_DURATION_S} s, both tunnels up, the re-assert timer every ${SPLIT_TIMER_PERIOD_S} s on both gateways"
split_brain
report_state splitHealed

progress "timer-driven oneshots (route re-assertion) on both gateways"
run_oneshots oneshot
value oneshot.activeAfter "$(vpc_route_gateway 100)"

# The gateway side of `npm run status`: the read-only script it sends over SSH (src/status/gateway.ts),
# here run as root in each gateway's namespaces (status uses an unprivileged login; the script needs no
# privilege). The host parses it with the status command's own parser and compares with the lab's view.
progress "status: the gateway-side read of npm run status on each gateway"
for g in "${GW_NAMES[@]}"; do
  gx "$g" bash -s < /lab/status-read.sh > "/lab/log/$g/status-read.txt" 2>&1; value "status.$g.rc" $?
  value "status.$g.master" "$(gw_is_master "$g" && echo true || echo false)"
done

progress "ExecStop on $STANDBY removes what ExecStart made; ExecStart again converges"
gw_exec_stop "$STANDBY" >> "/lab/log/$STANDBY/boot.log" 2>&1; value execStop.rc $?
value execStop.linksLeft "$(ip -n "$STANDBY" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -v -x -e lo -e "$IFACE" -e sit0 -e ip6tnl0 | tr '\n' ' ')"
gx "$STANDBY" bash -c "$EXEC_START" >> "/lab/log/$STANDBY/boot.log" 2>&1; value execStartAgain.rc $?
gx "$STANDBY" bash -c "$EXEC_START" >> "/lab/log/$STANDBY/boot.log" 2>&1; value execStartTwice.rc $?

for g in "${GW_NAMES[@]}"; do
  for f in /lab/log/$g/*; do dump_file "$g/$(basename "$f")" "$f"; done
done
for f in /lab/log/rtx/* /lab/log/aws-calls.jsonl /lab/log/metrics-calls.jsonl /lab/log/aws-standin.log /lab/log/timer-runs.log /lab/log/syslog.log; do dump_file "$(basename "$f")" "$f"; done
progress "done"
