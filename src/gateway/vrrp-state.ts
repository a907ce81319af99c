/**
 * keepalived's `notify` hook (keepalived.conf(5): run after the notify_* scripts on every state
 * change, with "INSTANCE", the instance's name, the new state and the priority appended). It
 * records the state and the last transitions in /run/vpc-ipip6-gateway/vrrp.json, which
 * `npm run status` reads, and hands the transition to the CloudWatch publisher in the background:
 * keepalived forks notify scripts and does not wait for them, and this one returns at once anyway.
 */

import { GatewayContext } from "./context";
import { LOG_TAG, PATHS } from "./paths";
import { fileOf } from "./shell";

export const VRRP_STATE_FILE_NAME = "vrrp.json";
/** One JSON object a line, newest last: the source of vrrp.json's transitions. */
export const VRRP_HISTORY_FILE_NAME = "vrrp-transitions";
export const VRRP_HISTORY = 10;

export function renderVrrpNotifyScript(c: GatewayContext): string {
  return fileOf([
    "#!/bin/bash",
    `# vpc-ipip6-gateway: record ${c.name}'s VRRP state for site ${c.site}. Rendered; do not edit.`,
    '# keepalived notify: "$1" INSTANCE|GROUP, "$2" name, "$3" new state, "$4" priority.',
    "set -uo pipefail",
    `STATE_DIR=\${PROBER_STATE_DIR:-${PATHS.proberStateDir}}`,
    `STATE_FILE=$STATE_DIR/${VRRP_STATE_FILE_NAME} HISTORY_FILE=$STATE_DIR/${VRRP_HISTORY_FILE_NAME} HISTORY=${VRRP_HISTORY}`,
    `METRICS=\${METRICS_SCRIPT:-${PATHS.metricsScript}}`,
    `log() { logger -t ${LOG_TAG} -- "vrrp: $*"; }`,
    NOTIFY_BODY,
  ]);
}

const NOTIFY_BODY = String.raw`
[ "${"$"}{1:-}" = INSTANCE ] || exit 0
to=$3 priority=${"$"}{4:-?} at=$EPOCHREALTIME from=INIT
mkdir -p "$STATE_DIR"
previous=$(cat "$STATE_FILE" 2>/dev/null)
[[ $previous =~ \"state\":\ \"([A-Z]+)\" ]] && from=${"$"}{BASH_REMATCH[1]}
case $to in
  MASTER) reason="became master (priority $priority)" ;;
  BACKUP) reason="backup: a peer with a higher priority is master, or keepalived started" ;;
  FAULT) reason="fault: the prober's track file says the tunnel is down" ;;
  STOP) reason="keepalived stopped" ;;
  *) reason="keepalived reported $to" ;;
esac
printf '{"at": %s, "from": "%s", "to": "%s", "reason": "%s"}\n' "$at" "$from" "$to" "$reason" >> "$HISTORY_FILE"
tail -n "$HISTORY" "$HISTORY_FILE" > "$HISTORY_FILE.tmp" && mv -f "$HISTORY_FILE.tmp" "$HISTORY_FILE"
list=$(paste -sd, "$HISTORY_FILE")
printf '{"version": 1, "state": "%s", "since": %s, "transitions": [%s]}\n' "$to" "$at" "$list" \
  > "$STATE_FILE.tmp" && mv -f "$STATE_FILE.tmp" "$STATE_FILE"
log "$from -> $to: $reason"
# History for CloudWatch; never waited for (it may retry for seconds when CloudWatch is away).
# Lowest CPU priority: the publication must never slow the route move that runs at the same time.
nice -n 19 "$METRICS" --transition "$to" "$at" </dev/null >/dev/null 2>&1 &
exit 0
`;
