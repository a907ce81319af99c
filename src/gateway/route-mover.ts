/**
 * The route mover (notify-master): keepalived runs it on becoming MASTER, the re-assert timer runs it
 * with --reassert. It talks to the EC2 Query API with curl --aws-sigv4 and the instance role's IMDSv2
 * credentials: all the routes of one run go through ONE curl process (--parallel, one transfer per
 * route), so neither the time nor the memory of a failover grows with the number of routes the way
 * one `aws` process per route did. docs/pulumi.md "Route ownership" says who moves what, and when.
 */

import { GatewayContext } from "./context";
import { LINKS, LOG_TAG, RUN_DIR } from "./paths";
import { bashArray, fileOf, quote } from "./shell";

export const EC2_API_VERSION = "2016-11-15";
/** Retry backoff: equal jitter over min(cap, base x 2^n); EC2 throttles at 5 mutating calls/s. */
export const RETRY_BASE_MS = 250;
export const RETRY_CAP_MS = 4000;

export function renderNotifyScript(c: GatewayContext): string {
  return fileOf([
    "#!/bin/bash",
    `# vpc-ipip6-gateway: point site ${c.site}'s routes at this gateway (${c.name}). Rendered; do not edit.`,
    "# keepalived runs it on becoming MASTER: every route to this gateway's ENI, once.",
    "# The re-assert timer runs it with --reassert: while master it repairs drift only (a route missing,",
    "# blackholed or pointing outside this pair), never taking one back from the peer; while not master it",
    "# hands the routes still on this gateway's ENI to the peer's. Never gives up while its role lasts.",
    "set -uo pipefail",
    `ROUTE_TABLES=${bashArray(c.routeTableIds)}`,
    `SITE_CIDRS=${bashArray(c.siteCidrs)}`,
    `PEER_PRIVATE_IP=${quote(c.peerPrivateIp)}`,
    `VRRP_LINK=${LINKS.vrrp} PLACEHOLDER=${c.vrrp.placeholder}`,
    `RUN_DIR=\${VIG_RUN_DIR:-${RUN_DIR}}`,
    "IMDS=http://169.254.169.254/latest",
    `EC2_API_VERSION=${EC2_API_VERSION}`,
    `RETRY_BASE_MS=${RETRY_BASE_MS} RETRY_CAP_MS=${RETRY_CAP_MS}`,
    "",
    `log() { logger -t ${LOG_TAG} -- "$*"; }`,
    MOVER_BODY,
  ]);
}

// String.raw keeps bash's backslashes; every ${ is written \${ so JavaScript leaves it alone.
const MOVER_BODY = String.raw`
is_master() { ip -4 addr show dev "$VRRP_LINK" 2>/dev/null | grep -q " $PLACEHOLDER/"; }

# IMDSv2: one session token for every read of this run.
imds_token() { curl -sf -m 2 -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 21600" "$IMDS/api/token"; }
imds() { curl -sf -m 2 -H "X-aws-ec2-metadata-token: $IMDS_TOKEN" "$IMDS/meta-data/$1"; }

# json_field TEXT NAME: a string field of IMDS's credentials document into REPLY (bash only).
json_field() { [[ $1 =~ \"$2\"[[:space:]]*:[[:space:]]*\"([^\"]*)\" ]] && REPLY=\${BASH_REMATCH[1]}; }
# xml_tag FILE TAG: the text of the first <TAG> of an EC2 reply into REPLY.
xml_tag() { local x; x=$(<"$1"); [[ $x =~ \<$2\>([^\<]*)\</$2\> ]] && REPLY=\${BASH_REMATCH[1]}; }

# The role's temporary credentials, into variables only: no secret ever reaches a command line or a log.
load_credentials() {
  local role doc
  role=$(imds iam/security-credentials/) && doc=$(imds "iam/security-credentials/\${role%%$'\n'*}") &&
    json_field "$doc" AccessKeyId && KEY_ID=$REPLY && json_field "$doc" SecretAccessKey && SECRET=$REPLY &&
    json_field "$doc" Token && SESSION_TOKEN=$REPLY
}

# ec2_calls: the Query API bodies in CALLS, all in ONE curl process; reply i lands in $WORK/i.xml and
# its HTTP status in STATUS[i] (000: no answer). The config, secrets included, goes to curl on stdin
# from bash builtins, so it is in no process's argv.
ec2_calls() {
  local i code
  rm -f "$WORK"/*.xml
  STATUS=()
  while read -r code i; do STATUS[i]=$code; done < <(
    for i in "\${!CALLS[@]}"; do
      ((i > 0)) && printf 'next\n'
      printf 'url = "https://ec2.%s.amazonaws.com/"\naws-sigv4 = "aws:amz:%s:ec2"\n' "$REGION" "$REGION"
      printf 'user = "%s:%s"\nheader = "x-amz-security-token: %s"\n' "$KEY_ID" "$SECRET" "$SESSION_TOKEN"
      printf 'data = "%s"\noutput = "%s/%d.xml"\n' "\${CALLS[i]}" "$WORK" "$i"
      printf 'write-out = "%%{http_code} %d\\n"\nmax-time = 10\nsilent\n' "$i"
    done | curl -s --parallel --parallel-max 50 -K -)
}

query() { printf 'Action=%s&Version=%s' "$1" "$EC2_API_VERSION"; }

# Route jobs: JOB_TABLE/JOB_CIDR/JOB_ENI (where it must point), JOB_ACTION (ReplaceRoute first).
add_job() { JOB_TABLE+=("$1"); JOB_CIDR+=("$2"); JOB_ENI+=("$3"); JOB_ACTION+=(ReplaceRoute); }

# outcome JOB STATUS REPLY: 0 when the route is done; otherwise 1, with the next action set.
outcome() {
  local j=$1 status=$2 reply=$3 code= message=
  local route="route \${JOB_CIDR[j]} in \${JOB_TABLE[j]}"
  if [ "$status" = 200 ]; then
    log "$route -> \${JOB_ENI[j]} (\${JOB_ACTION[j]})"
    return 0
  fi
  [ -s "$reply" ] && xml_tag "$reply" Code && code=$REPLY && xml_tag "$reply" Message && message=$REPLY
  # EC2 on a missing route: InvalidParameterValue "There is no route defined for '<cidr>' in the
  # route table. Use CreateRoute instead." (or InvalidRoute.NotFound); on a route the peer created
  # meanwhile: RouteAlreadyExists. Both switch the action and go again at once.
  if [[ $code == InvalidRoute.NotFound || $message == *"Use CreateRoute instead"* ]]; then
    JOB_ACTION[j]=CreateRoute
  elif [ "$code" = RouteAlreadyExists ]; then
    JOB_ACTION[j]=ReplaceRoute
  else
    BACK_OFF=1
    log "$route: \${JOB_ACTION[j]} failed (HTTP $status \${code:-no answer}\${message:+: $message}); retrying"
  fi
  return 1
}

# backoff ROUND: sleeps d/2 + a random part of d/2, d = min(cap, base x 2^(ROUND-1)).
backoff() {
  local d=$((RETRY_BASE_MS << ($1 - 1 < 5 ? $1 - 1 : 5))) ms
  ((d > RETRY_CAP_MS)) && d=$RETRY_CAP_MS
  ms=$((d / 2 + RANDOM % (d / 2 + 1)))
  sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
}

# move_routes: every job until each is done, for as long as still_entitled holds.
move_routes() {
  local round=0 j k pending=("\${!JOB_TABLE[@]}") next
  while ((\${#pending[@]} > 0)); do
    if ((round > 0)); then
      still_entitled || { log "\${#pending[@]} route(s) left as they are: $ENTITLEMENT no longer holds"; return 1; }
      ((BACK_OFF)) && backoff "$round"
      load_credentials || { log "instance metadata unreachable; retrying"; round=$((round + 1)); BACK_OFF=1; continue; }
    fi
    BACK_OFF=0 CALLS=() next=()
    for j in "\${pending[@]}"; do
      CALLS+=("$(query "\${JOB_ACTION[j]}")&RouteTableId=\${JOB_TABLE[j]}&DestinationCidrBlock=\${JOB_CIDR[j]/\//%2F}&NetworkInterfaceId=\${JOB_ENI[j]}")
    done
    ec2_calls
    for k in "\${!pending[@]}"; do
      j=\${pending[k]}
      outcome "$j" "\${STATUS[k]:-000}" "$WORK/$k.xml" || next+=("$j")
    done
    pending=("\${next[@]}")
    round=$((round + 1))
  done
}

# read_routes: one DescribeRouteTables of the managed tables into TARGET["table cidr"]="eni state"
# ("none" for a target that is no network interface); a route absent from the reply is missing.
read_routes() {
  local i chunk tag text table= cidr= eni= state= in_routes=0
  CALLS=("$(query DescribeRouteTables)")
  for i in "\${!ROUTE_TABLES[@]}"; do CALLS[0]+="&RouteTableId.$((i + 1))=\${ROUTE_TABLES[i]}"; done
  ec2_calls
  [ "\${STATUS[0]:-000}" = 200 ] || { xml_tag "$WORK/0.xml" Code 2>/dev/null; log "cannot read the route tables (HTTP \${STATUS[0]:-000} \${REPLY:-})"; return 1; }
  declare -gA TARGET=()
  while IFS= read -r -d '<' chunk; do
    tag=\${chunk%%>*} text=\${chunk#*>}
    case $tag in
      routeSet) in_routes=1 ;;
      /routeSet) in_routes=0 ;;
      routeTableId) ((in_routes)) || table=$text ;;
      item) ((in_routes)) && cidr= eni= state= ;;
      destinationCidrBlock) cidr=$text ;;
      networkInterfaceId) eni=$text ;;
      state) state=$text ;;
      /item) ((in_routes)) && [ -n "$cidr" ] && TARGET["$table $cidr"]="\${eni:-none} \${state:-active}" ;;
    esac
  done < "$WORK/0.xml"
}

# peer_eni: the peer gateway's ENI (by its private IP in this VPC), asked of EC2 once and kept in /run.
peer_eni() {
  local cache=$RUN_DIR/peer-eni mac vpc
  [ -s "$cache" ] && { PEER_ENI=$(<"$cache"); return 0; }
  mac=$(imds mac) && vpc=$(imds "network/interfaces/macs/$mac/vpc-id") || return 1
  CALLS=("$(query DescribeNetworkInterfaces)&Filter.1.Name=addresses.private-ip-address&Filter.1.Value.1=$PEER_PRIVATE_IP&Filter.2.Name=vpc-id&Filter.2.Value.1=$vpc")
  ec2_calls
  [ "\${STATUS[0]:-000}" = 200 ] && xml_tag "$WORK/0.xml" networkInterfaceId || return 1
  PEER_ENI=$REPLY
  printf '%s\n' "$PEER_ENI" > "$cache"
}

# plan_reassert: jobs for the routes the timer must fix, from one read of the tables.
plan_reassert() {
  local table cidr target eni state
  read_routes || return 1
  for table in "\${ROUTE_TABLES[@]}"; do
    for cidr in "\${SITE_CIDRS[@]}"; do
      target=\${TARGET["$table $cidr"]:-} eni=\${target% *} state=\${target#* }
      if [ "$ENTITLEMENT" = "mastership" ]; then
        [ -n "$target" ] && [ "$state" != blackhole ] && [ "$eni" = "$ENI" ] && continue
        if [ -n "$target" ] && [ "$state" != blackhole ] && [ "$eni" != none ]; then
          [ -n "\${PEER_ENI:-}" ] || peer_eni || { log "route $cidr in $table on $eni: cannot tell whether that is the peer; left"; continue; }
          [ "$eni" = "$PEER_ENI" ] && continue
        fi
        log "route $cidr in $table: \${target:-missing}; repairing"
        add_job "$table" "$cidr" "$ENI"
      elif [ "$eni" = "$ENI" ]; then
        [ -n "\${PEER_ENI:-}" ] || peer_eni || { log "cannot find the peer's ENI; routes left on this gateway"; return 1; }
        log "route $cidr in $table: on this gateway, which is not master; handing it to $PEER_ENI"
        add_job "$table" "$cidr" "$PEER_ENI"
      fi
    done
  done
}

umask 077
mkdir -p "$RUN_DIR"
exec 9>"$RUN_DIR/routes.lock"
if [ "\${1:-}" = --reassert ]; then
  # A mover already at work is doing this job; the timer comes again.
  flock -n 9 || exit 0
  if is_master; then ENTITLEMENT=mastership; still_entitled() { is_master; }
  else ENTITLEMENT="not being master"; still_entitled() { ! is_master; }; fi
else
  # keepalived's notify waits for a timer run to finish, then moves everything.
  flock 9
  ENTITLEMENT=mastership
  still_entitled() { is_master; }
fi
WORK=$(mktemp -d "$RUN_DIR/mover.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

IMDS_TOKEN=$(imds_token) && REGION=$(imds placement/region) && MAC=$(imds mac) &&
  ENI=$(imds "network/interfaces/macs/$MAC/interface-id") && load_credentials || {
  log "instance metadata (IMDSv2) unreachable: routes not moved"; exit 1; }

JOB_TABLE=() JOB_CIDR=() JOB_ENI=() JOB_ACTION=()
if [ "\${1:-}" = --reassert ]; then
  plan_reassert || exit 1
else
  for table in "\${ROUTE_TABLES[@]}"; do
    for cidr in "\${SITE_CIDRS[@]}"; do add_job "$table" "$cidr" "$ENI"; done
  done
fi
((\${#JOB_TABLE[@]} == 0)) && exit 0
move_routes
`.replace(/\\\$\{/g, "${");
