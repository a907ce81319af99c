/**
 * The gateway's CloudWatch publisher: a bash script run every minute by a systemd timer
 * (`--periodic`: tunnel up, loss, RTT, mastership) and by the VRRP notify hook at each transition
 * (`--transition STATE AT`). It signs PutMetricData with curl's --aws-sigv4 and the instance
 * role's credentials from IMDSv2, which reach curl on stdin (-K -), never in its arguments.
 * CloudWatch being unreachable drops the figure with a journal line and exits 0: nothing on the
 * failover path waits for it (the hook starts it in the background). The body is the one
 * putMetricDataBody (metrics.ts) builds; the tests compare the two.
 */

import { GatewayContext } from "./context";
import { LINKS, LOG_TAG, PATHS } from "./paths";
import { METRIC, METRICS_NAMESPACE, STALE_STATUS_S } from "./metrics";
import { STATUS_FILE_NAME } from "./prober";
import { fileOf, quote } from "./shell";

/** How often the periodic figures go out (CloudWatch's standard resolution is one minute). */
export const METRICS_PERIOD_S = 60;

export function renderMetricsUnit(c: GatewayContext): string {
  return fileOf([
    "[Unit]",
    `Description=vpc-ipip6-gateway: publish ${c.name}'s tunnel health for site ${c.site} to CloudWatch`,
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=${PATHS.metricsScript} --periodic`,
    // Bounded even if every connection hangs (curl's own limits are shorter).
    "TimeoutStartSec=30",
    "Nice=10",
  ]);
}

export function renderMetricsTimer(c: GatewayContext): string {
  return fileOf([
    "[Unit]",
    `Description=vpc-ipip6-gateway: ${c.name}'s tunnel health to CloudWatch every ${METRICS_PERIOD_S} s`,
    "",
    "[Timer]",
    `OnBootSec=${METRICS_PERIOD_S}`,
    `OnUnitActiveSec=${METRICS_PERIOD_S}`,
    "AccuracySec=5",
    "",
    "[Install]",
    "WantedBy=timers.target",
  ]);
}

export function renderMetricsScript(c: GatewayContext): string {
  return fileOf([
    "#!/bin/bash",
    `# vpc-ipip6-gateway: ${c.name}'s figures for site ${c.site} to CloudWatch. Rendered; do not edit.`,
    "# usage: metrics --periodic             tunnel up, loss, RTT and mastership (systemd timer)",
    "#        metrics --transition STATE AT  one VRRP transition (the notify hook, in the background)",
    "set -uo pipefail",
    "export TZ=UTC",
    `SITE=${quote(c.site)} GATEWAY=${quote(c.name)} NAMESPACE=${METRICS_NAMESPACE}`,
    `VRRP_LINK=${LINKS.vrrp} PLACEHOLDER=${c.vrrp.placeholder} STALE_S=${STALE_STATUS_S}`,
    `STATUS_FILE=\${PROBER_STATE_DIR:-${PATHS.proberStateDir}}/${STATUS_FILE_NAME}`,
    "IMDS=${METRICS_IMDS:-http://169.254.169.254/latest}",
    `log() { logger -t ${LOG_TAG} -- "metrics: $*"; }`,
    bash(METRICS_BODY),
  ]);
}

/**
 * The body below is written with String.raw (bash's backslashes stay as they are), where `${`
 * cannot be written: `#{` stands for it, and `@name@` for a METRIC name.
 */
function bash(body: string): string {
  return body
    .replace(/#\{/g, "${")
    .replace(/@(\w+)@/g, (_, key: string) => METRIC[key as keyof typeof METRIC]);
}

const METRICS_BODY = String.raw`
# enc TEXT: ENC=TEXT percent-encoded (RFC 3986 unreserved characters kept), as SigV4 expects.
enc() {
  local s=$1 c i
  ENC=
  for ((i = 0; i < #{#s}; i++)); do
    c=#{s:i:1}
    case $c in
      [A-Za-z0-9._~-]) ENC+=$c ;;
      *) printf -v c '%%%02X' "'$c"; ENC+=$c ;;
    esac
  done
}

# num TEXT: NUM=the number without trailing zeros ("2.0" -> "2", "4.020" -> "4.02").
num() {
  NUM=$1
  if [[ $NUM == *.* ]]; then
    while [[ $NUM == *0 ]]; do NUM=#{NUM%0}; done
    NUM=#{NUM%.}
  fi
}

n=0
BODY="Action=PutMetricData&Version=2010-08-01&Namespace=$NAMESPACE"
# datum NAME VALUE UNIT TIMESTAMP [DIMENSION VALUE]...: one MetricData member.
datum() {
  local name=$1 value=$2 unit=$3 ts=$4 j=0 m
  shift 4
  n=$((n + 1))
  m=MetricData.member.$n
  enc "$name"; BODY+="&$m.MetricName=$ENC"
  while [ $# -ge 2 ]; do
    j=$((j + 1))
    enc "$1"; BODY+="&$m.Dimensions.member.$j.Name=$ENC"
    enc "$2"; BODY+="&$m.Dimensions.member.$j.Value=$ENC"
    shift 2
  done
  num "$value"; BODY+="&$m.Value=$NUM&$m.Unit=$unit"
  enc "$ts"; BODY+="&$m.Timestamp=$ENC"
}

is_master() { ip -4 addr show dev "$VRRP_LINK" 2>/dev/null | grep -q " $PLACEHOLDER/"; }

# The minute's figures from the prober's status file (docs/gateway-prober.md).
periodic() {
  local now=$EPOCHSECONDS ts status='' fresh=0 up=0 master=0
  printf -v ts '%(%Y-%m-%dT%H:%M:%SZ)T' "$now"
  [ -r "$STATUS_FILE" ] && status=$(<"$STATUS_FILE")
  # A file the prober stopped rewriting (every second) no longer says anything about the tunnel.
  if [[ $status =~ \"updatedAt\":\ ([0-9]+) ]] && ((now - BASH_REMATCH[1] <= STALE_S)); then fresh=1; fi
  if ((fresh)) && [[ $status =~ \"state\":\ \"up\" ]]; then up=1; fi
  datum @tunnelUp@ "$up" None "$ts" Site "$SITE" Gateway "$GATEWAY"
  if ((fresh)); then
    [[ $status =~ \"lossPercent\":\ ([0-9.]+) ]] &&
      datum @tunnelLoss@ "#{BASH_REMATCH[1]}" Percent "$ts" Site "$SITE" Gateway "$GATEWAY"
    [[ $status =~ \"rttMs\":\ \{\"min\":\ [0-9.]+,\ \"avg\":\ ([0-9.]+) ]] &&
      datum @tunnelRtt@ "#{BASH_REMATCH[1]}" Milliseconds "$ts" Site "$SITE" Gateway "$GATEWAY"
  fi
  is_master && master=1
  datum @isMaster@ "$master" None "$ts" Site "$SITE" Gateway "$GATEWAY"
  WHAT="the minute's figures"
}

transition() {
  local ts
  printf -v ts '%(%Y-%m-%dT%H:%M:%SZ)T' "#{2%%.*}"
  datum @vrrpTransition@ 1 Count "$ts" Site "$SITE" Gateway "$GATEWAY" State "$1"
  WHAT="the transition to $1"
}

imds() { curl -sf -m 2 -H "X-aws-ec2-metadata-token: $IMDS_TOKEN" "$IMDS/meta-data/$1"; }

# json_field NAME TEXT: FIELD=the string value of "NAME" in the IMDS credentials document.
json_field() {
  local re="\"$1\"[[:space:]]*:[[:space:]]*\"([^\"]*)\""
  [[ $2 =~ $re ]] && FIELD=#{BASH_REMATCH[1]}
}

# send: one signed PutMetricData; returns non-zero (after a journal line) when it did not land.
send() {
  local region domain role creds key secret token out code why
  if ! { IMDS_TOKEN=$(curl -sf -m 2 -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" "$IMDS/api/token") &&
    region=$(imds placement/region) && domain=$(imds services/domain) &&
    role=$(imds iam/security-credentials/) && creds=$(imds "iam/security-credentials/$role"); }; then
    log "instance metadata (IMDSv2) or the role's credentials unreachable: $WHAT not sent"; return 1
  fi
  if ! { json_field AccessKeyId "$creds" && key=$FIELD && json_field SecretAccessKey "$creds" &&
    secret=$FIELD && json_field Token "$creds" && token=$FIELD; }; then
    log "the role's credentials from IMDS are not readable: $WHAT not sent"; return 1
  fi
  # The credentials go to curl as a config file on stdin: never in a process's arguments.
  out=$(curl -sS -m 5 --connect-timeout 2 -w '\n%{http_code}' --aws-sigv4 "aws:amz:$region:monitoring" \
    -K - --data "$BODY" "#{METRICS_ENDPOINT:-https://monitoring.$region.$domain/}" 2>&1 <<CURLRC
user = "$key:$secret"
header = "X-Amz-Security-Token: $token"
CURLRC
  )
  code=#{out##*$'\n'}
  [ "$code" = 200 ] && return 0
  why=#{out%$'\n'*}
  [[ $why =~ \<Code\>([^<]*)\</Code\> ]] && why=#{BASH_REMATCH[1]}
  log "CloudWatch did not take $WHAT (HTTP #{code:-none}): #{why:0:200}"
  return 1
}

case #{1:-} in
  --periodic) periodic; send || true ;;
  --transition)
    transition "#{2:?state}" "#{3:-$EPOCHREALTIME}"
    # A transition is history: two more tries, 1 s and 3 s later (nothing waits for them).
    send || { sleep 1; send; } || { sleep 2; send; } || log "$WHAT dropped" ;;
  *) echo "usage: $0 --periodic | --transition STATE [AT]" >&2; exit 2 ;;
esac
exit 0
`;
