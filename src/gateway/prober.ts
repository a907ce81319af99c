/**
 * The tunnel prober: one long-running `ping -O` through tun0 to the RTX's LAN address, read line by
 * line by a bash loop that keeps keepalived's track file (0 = tunnel up, 1 = down) and a JSON status
 * file for monitoring. keepalived reads the track file on every write (inotify), so a tunnel judged
 * down puts the instance in FAULT at once, without waiting for a script interval. The status file's
 * format is documented in docs/gateway-prober.md.
 */

import { GatewayContext } from "./context";
import { LINKS, LOG_TAG, PATHS, UNITS } from "./paths";
import { fileOf, quote } from "./shell";

/**
 * Probe timing. A probe is a miss when it is still unanswered `failover.probeTimeoutMs` after it
 * was sent (a multiple of the interval), or when an ICMP error answers it; a slower path only
 * delays replies, it does not fail over. The first probe a failure makes miss is sent up to one
 * interval after it and judged one timeout later, so detection takes at most
 * interval × (downAfter − 1) + interval + timeout: 500 ms with the 200 ms default, which leaves the
 * VRRP takeover and the route move room within a second. One or two lost probes in a row never
 * fail over; upAfter good replies in a row bring it back (docs/gateway-prober.md). iputils allows
 * intervals down to 2 ms for any user; the prober runs as root anyway.
 */
export const PROBER = {
  intervalS: 0.1,
  downAfter: 3,
  upAfter: 5,
  /** Probes the status file's loss and RTT figures cover (10 s at 0.1 s). */
  window: 100,
  /** Transitions kept in the status file, newest last. */
  history: 10,
  /** The status file is rewritten every this many probes (1 s), and on every transition. */
  statusEvery: 10,
} as const;

/** Probes sent while one waits for its reply: the timeout in intervals (at least 1). */
export function replyBudgetProbes(probeTimeoutMs: number): number {
  return Math.max(1, Math.round(probeTimeoutMs / (PROBER.intervalS * 1000)));
}

/** Worst-case detection time of a tunnel failure, in ms. */
export function proberDetectionWorstMs(probeTimeoutMs: number): number {
  const intervalMs = PROBER.intervalS * 1000;
  return Math.round(intervalMs * (PROBER.downAfter + replyBudgetProbes(probeTimeoutMs)));
}

export function renderProberUnit(c: GatewayContext): string {
  return fileOf([
    "[Unit]",
    `Description=vpc-ipip6-gateway: probe ${LINKS.tunnel} to site ${c.site} for keepalived`,
    `Wants=${UNITS.tunnels}`,
    `After=${UNITS.tunnels}`,
    // Stopping or restarting the tunnels unit (which recreates tun0) does the same to the prober:
    // a ping bound to a deleted tun0 would never see the new one.
    `PartOf=${UNITS.tunnels}`,
    `Before=${UNITS.keepalived}`,
    "",
    "[Service]",
    "Type=simple",
    // The state directory outlives restarts: keepalived watches the track file in it.
    `ExecStartPre=/usr/bin/install -d -m 0755 ${PATHS.proberStateDir}`,
    `ExecStart=${PATHS.proberScript}`,
    // A prober that dies (not a clean stop or restart) marks the tunnel down: fail safe.
    `ExecStopPost=${PATHS.proberScript} --stopped`,
    "Restart=always",
    "RestartSec=1",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
  ]);
}

export function renderProberScript(c: GatewayContext): string {
  return fileOf([
    "#!/bin/bash",
    `# vpc-ipip6-gateway: is ${LINKS.tunnel} to site ${c.site} passing traffic? Rendered; do not edit.`,
    "# Feeds keepalived's track file (0 up, 1 down) and a JSON status file (docs/gateway-prober.md).",
    "# usage: prober            run until ping ends (systemd restarts it)",
    "#        prober --stopped  systemd's ExecStopPost: a prober that died marks the tunnel down",
    "set -uo pipefail",
    `LINK=${LINKS.tunnel} TARGET=${quote(c.rtxLanAddress)}`,
    `INTERVAL_S=${PROBER.intervalS} DOWN_AFTER=${PROBER.downAfter} UP_AFTER=${PROBER.upAfter}`,
    `WINDOW=${PROBER.window} HISTORY=${PROBER.history} STATUS_EVERY=${PROBER.statusEvery}`,
    `BUDGET=${replyBudgetProbes(c.probeTimeoutMs)} # probes a reply may take (${c.probeTimeoutMs} ms)`,
    `STATE_DIR=\${PROBER_STATE_DIR:-${PATHS.proberStateDir}}`,
    `TRACK_FILE=$STATE_DIR/${TRACK_FILE_NAME} STATUS_FILE=$STATE_DIR/${STATUS_FILE_NAME}`,
    `log() { logger -t ${LOG_TAG} -- "prober: $*"; }`,
    PROBER_BODY,
  ]);
}

export const TRACK_FILE_NAME = "tunnel-down";
export const STATUS_FILE_NAME = "prober.json";

const PROBER_BODY = `
# Builtins only on the per-probe path (no process starts, no subshells): the status file's mv is
# the one exception, once every STATUS_EVERY probes and on a transition.
state=down since=$EPOCHREALTIME misses=0 goods=0 last_miss=-1 results=0
replies=0 missed=0 late=0 US=0 MS=
declare -a ring=() transitions=()
# Probes ping reported unanswered ("no answer yet"), waiting for a reply or for their budget.
declare -a queue=()

# set_track 0|1: keepalived re-reads the file when it is closed after writing (inotify).
set_track() { printf '%s\\n' "$1" > "$TRACK_FILE"; }

# to_ms MICROSECONDS: MS="12.345"
to_ms() { printf -v MS '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# to_us "0.512" | "12.3" | "123" (iputils prints 3, 2, 1 or no decimals): US=microseconds
to_us() {
  local whole=\${1%%.*} frac=
  [[ $1 == *.* ]] && frac=\${1#*.}
  frac=\${frac}000
  US=$((10#$whole * 1000 + 10#\${frac:0:3}))
}

# seq_after A B: icmp_seq A was sent after B (16-bit, wraps); anything is after -1.
seq_after() {
  (($2 < 0)) && return 0
  local d=$((($1 - $2 + 65536) % 65536))
  ((d > 0 && d < 32768))
}

# remember RTT_US|-1: one probe's outcome in the window's ring.
remember() {
  ring[results % WINDOW]=$1
  results=$((results + 1))
}

write_status() {
  local n=0 lost=0 sum=0 min=-1 max=0 r t list='' rtt=null loss=0 lo av hi
  for r in "\${ring[@]}"; do
    n=$((n + 1))
    if ((r < 0)); then lost=$((lost + 1)); continue; fi
    sum=$((sum + r))
    ((min < 0 || r < min)) && min=$r
    ((r > max)) && max=$r
  done
  if ((n > lost)); then
    to_ms "$min"; lo=$MS; to_ms $((sum / (n - lost))); av=$MS; to_ms "$max"; hi=$MS
    rtt="{\\"min\\": $lo, \\"avg\\": $av, \\"max\\": $hi}"
  fi
  ((n > 0)) && loss=$((lost * 1000 / n))
  for t in "\${transitions[@]}"; do list+="\${list:+, }$t"; done
  printf '{"version": 1, "link": "%s", "target": "%s", "intervalMs": %d, "downAfter": %d, "upAfter": %d, "state": "%s", "since": %s, "updatedAt": %s, "window": {"probes": %d, "lost": %d, "lossPercent": %d.%d, "rttMs": %s}, "totals": {"replies": %d, "missed": %d, "late": %d}, "transitions": [%s]}\\n' \\
    "$LINK" "$TARGET" "$INTERVAL_MS" "$DOWN_AFTER" "$UP_AFTER" "$state" "$since" "$EPOCHREALTIME" \\
    "$n" "$lost" $((loss / 10)) $((loss % 10)) "$rtt" "$replies" "$missed" "$late" "$list" \\
    > "$STATUS_FILE.tmp" && mv -f "$STATUS_FILE.tmp" "$STATUS_FILE"
}

# transition up|down REASON: keepalived first, then the status file and the journal.
transition() {
  local from=$state
  state=$1 since=$EPOCHREALTIME
  if [ "$state" = up ]; then set_track 0; else set_track 1; fi
  transitions+=("{\\"at\\": $since, \\"from\\": \\"$from\\", \\"to\\": \\"$state\\", \\"reason\\": \\"$2\\"}")
  ((\${#transitions[@]} > HISTORY)) && transitions=("\${transitions[@]:1}")
  write_status
  log "$LINK to $TARGET $state: $2"
}

# judge_until SEQ [AGE]: probes sent AGE (default BUDGET) or more probes before SEQ and still
# unanswered are misses, oldest first (queue holds them in the order ping reported them).
judge_until() {
  local d age=\${2:-$BUDGET}
  while ((\${#queue[@]} > 0)); do
    d=$((($1 - queue[0] + 65536) % 65536))
    ((d >= age && d < 32768)) || break
    last_miss=\${queue[0]}
    queue=("\${queue[@]:1}")
    on_miss "$last_miss"
  done
}

# drop_pending SEQ: take SEQ out of the queue; fails when it was not there.
drop_pending() {
  local n found=1 kept=()
  for n in "\${queue[@]}"; do
    if ((n == $1)); then found=0; else kept+=("$n"); fi
  done
  queue=("\${kept[@]}")
  return $found
}

# on_reply SEQ RTT_US
on_reply() {
  if ! drop_pending "$1" && ! seq_after "$1" "$last_miss"; then
    # A reply to a probe already counted as missed is late: it says nothing about the path now.
    late=$((late + 1)); return
  fi
  replies=$((replies + 1))
  remember "$2"
  misses=0 goods=$((goods + 1))
  if [ "$state" = down ] && ((goods >= UP_AFTER)); then transition up "$UP_AFTER replies in a row"; fi
  return 0
}

# on_miss SEQ: no reply when the next probe went out, or an ICMP error for it.
on_miss() {
  missed=$((missed + 1))
  remember -1
  goods=0 misses=$((misses + 1))
  if [ "$state" = up ] && ((misses >= DOWN_AFTER)); then
    transition down "$DOWN_AFTER probes in a row unanswered (last icmp_seq=$1)"
  fi
  return 0
}

if [ "\${1:-}" = --stopped ]; then
  # systemd sets SERVICE_RESULT: "success" for a clean stop or restart, which keeps the state.
  if [ "\${SERVICE_RESULT:-success}" != success ]; then
    set_track 1
    log "exited (\${SERVICE_RESULT:-}/\${EXIT_STATUS:-}): $LINK marked down"
  fi
  exit 0
fi

to_us "$INTERVAL_S" # seconds to milliseconds: the same three-decimal conversion
INTERVAL_MS=$US
# Resume from the track file: a restart while up does not fail over; anything else starts down.
if [ "$(cat "$TRACK_FILE" 2>/dev/null)" = 0 ]; then state=up; else set_track 1; fi
write_status
log "probing $TARGET through $LINK every $INTERVAL_S s (down after $DOWN_AFTER misses, up after $UP_AFTER replies), starting $state"

# iputils ping: "64 bytes from A: icmp_seq=N ttl=T time=R ms"; with -O, "no answer yet for
# icmp_seq=N" when the next probe goes out unanswered; ICMP errors "From A icmp_seq=N <reason>".
re_reply='icmp_seq=([0-9]+) .*time=([0-9.]+) ms'
re_seq='icmp_seq=([0-9]+)'
# "no answer yet for icmp_seq=SEQ" comes as SEQ+1 goes out: probes BUDGET older are misses. A
# reply to SEQ also means every older probe still unanswered is lost (replies come back in
# order), so misses are always counted in the order the probes were sent.
while IFS= read -r line; do
  case $line in
    *" bytes from "*)
      [[ $line =~ $re_reply ]] || continue
      to_us "\${BASH_REMATCH[2]}"
      seq=\${BASH_REMATCH[1]}
      judge_until "$seq" 1
      on_reply "$seq" "$US" ;;
    "no answer yet for icmp_seq="*)
      [[ $line =~ $re_seq ]] || continue
      queue+=("\${BASH_REMATCH[1]}")
      judge_until $(((BASH_REMATCH[1] + 1) % 65536)) ;;
    "From "*" icmp_seq="*)
      [[ $line =~ $re_seq ]] || continue
      seq=\${BASH_REMATCH[1]}
      drop_pending "$seq"
      last_miss=$seq
      on_miss "$seq" ;;
    *) continue ;;
  esac
  ((results % STATUS_EVERY == 0)) && write_status
done < <(exec ping -n -O -i "$INTERVAL_S" -I "$LINK" "$TARGET" 2>&1)
# ping ended: what it left unanswered will not be answered.
for seq in "\${queue[@]}"; do last_miss=$seq; on_miss "$seq"; done
write_status
log "ping through $LINK ended"
exit 1
`;
