#!/usr/bin/bash
# Split brain: VRRP between the gateways is dropped in the VPC fabric (vpc-router) while both
# tunnels stay up, so each gateway believes its peer dead and is master. The rendered route mover
# must not flap the routes between them: the standby's takeover moves each route once, and the
# re-assert, asked of both gateways' route movers here every SPLIT_TIMER_PERIOD_S (their own period
# is 30 s) by the unit's ExecReload (SIGUSR1), must leave routes on the peer alone while master. The
# host counts the moves per route from the stand-in's call log (aws-calls.jsonl) between
# splitBrain.eventAt and .healAt.

# timers_start: a re-assert asked of every gateway's route mover every period; every request is one
# line "start end gateway rc" in /lab/log/timer-runs.log.
timers_start() {
  local g
  rm -f /tmp/timers.stop
  : > /tmp/timers.pids
  for g in "${GW_NAMES[@]}"; do
    timer_loop "$g" &
    echo $! >> /tmp/timers.pids
  done
}

timer_loop() {
  local g=$1 i start rc
  while [ ! -e /tmp/timers.stop ]; do
    start=$(now)
    gx "$g" bash -c "$MOVER_RELOAD" >> "/lab/log/$g/oneshot.log" 2>&1
    rc=$?
    echo "$start $(now) $g $rc" >> /lab/log/timer-runs.log
    sleep "$SPLIT_TIMER_PERIOD_S"
  done
}

# timers_stop: no new run starts; the one under way finishes.
timers_stop() {
  local p
  touch /tmp/timers.stop
  for p in $(cat /tmp/timers.pids); do wait "$p" 2>/dev/null; done
}

both_master() { gw_is_master "$PRIMARY" && gw_is_master "$STANDBY"; }

split_brain() {
  local t0
  timers_start
  probes_start splitBrain
  sleep 1
  value splitBrain.eventAt "$(now)"
  t0=$(now)
  n vpc-router nft -f - <<NFT
table ip lab-split {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ip protocol vrrp drop
  }
}
NFT
  if wait_for 10 both_master; then
    value splitBrain.bothMaster true
    value splitBrain.bothMasterMs "$(elapsed_ms "$t0")"
  else
    value splitBrain.bothMaster false
  fi
  sleep "$SPLIT_DURATION_S"
  value splitBrain.bothMasterAtEnd "$(both_master && echo true || echo false)"
  report_state splitBrain
  value splitBrain.healAt "$(now)"
  t0=$(now)
  n vpc-router nft delete table ip lab-split
  if wait_for 40 steady_on "$PRIMARY" "$PRIMARY_TUNNEL"; then
    value splitBrain.healed true
    value splitBrain.healMs "$(elapsed_ms "$t0")"
  else
    value splitBrain.healed false
  fi
  value splitBrain.endAt "$(now)"
  timers_stop
  sleep 1
  probes_stop splitBrain
  value splitBrain.standbyMasterAfterHeal "$(gw_is_master "$STANDBY" && echo true || echo false)"
}
