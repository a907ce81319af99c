/**
 * BEFORE, for the benchmark only: the forking route mover the gateways ran until the resident one
 * (src/gateway/route-mover.py) replaced it, kept here byte for byte as it rendered so that
 * bench/route-mover can measure both in one run. Not installed on any gateway.
 *
 * The route mover (notify-master): keepalived runs it on becoming MASTER, the re-assert timer runs it
 * with --reassert, keepalived's unit with --warm when it starts. It talks to the EC2 Query API with
 * curl --aws-sigv4 and the instance role's IMDSv2 credentials: all the routes of one run go through
 * ONE curl process (--parallel, one transfer per route), so neither the time nor the memory nor the
 * number of processes of a failover grows with the number of routes the way one `aws` process per
 * route did. What never changes for an instance (region, ENI, VPC, role) and the role's credentials
 * (until 5 minutes before they expire) are kept under /run, so a failover on a warm cache starts
 * one curl and reads nothing from IMDS. docs/pulumi.md "Route ownership" says who moves what, and
 * when; docs/route-mover.md what a failover costs.
 */

import { GatewayContext } from "../../src/gateway/context";
import { LINKS, LOG_TAG, RUN_DIR } from "../../src/gateway/paths";
import { bashArray, fileOf, quote } from "../../src/gateway/shell";

export const EC2_API_VERSION = "2016-11-15";
/** Retry backoff: equal jitter over min(cap, base x 2^n); EC2 throttles at 5 mutating calls/s. */
export const RETRY_BASE_MS = 250;
export const RETRY_CAP_MS = 4000;
/**
 * Cached role credentials are used while they have more than this left. IMDS offers new ones at
 * least 5 minutes before the old ones expire, so past this margin it has new ones to give.
 */
export const CREDENTIAL_MARGIN_S = 300;

export function renderNotifyScript(c: GatewayContext): string {
  return fileOf([
    "#!/bin/bash",
    `# vpc-ipip6-gateway: point site ${c.site}'s routes at this gateway (${c.name}). Rendered; do not edit.`,
    "# keepalived runs it on becoming MASTER: every route to this gateway's ENI, once.",
    "# The re-assert timer runs it with --reassert: while master it repairs drift only (a route missing,",
    "# blackholed or pointing outside this pair), never taking one back from the peer; while not master it",
    "# hands the routes still on this gateway's ENI to the peer's. Never gives up while its role lasts.",
    "# With --warm (keepalived's start) it only fills the cache of identity and credentials.",
    "set -uo pipefail",
    `ROUTE_TABLES=${bashArray(c.routeTableIds)}`,
    `SITE_CIDRS=${bashArray(c.siteCidrs)}`,
    `PEER_PRIVATE_IP=${quote(c.peerPrivateIp)}`,
    `VRRP_LINK=${LINKS.vrrp} PLACEHOLDER=${c.vrrp.placeholder}`,
    `RUN_DIR=\${VIG_RUN_DIR:-${RUN_DIR}}`,
    "IMDS=http://169.254.169.254/latest",
    `EC2_API_VERSION=${EC2_API_VERSION}`,
    `RETRY_BASE_MS=${RETRY_BASE_MS} RETRY_CAP_MS=${RETRY_CAP_MS}`,
    `CREDENTIAL_MARGIN_S=${CREDENTIAL_MARGIN_S}`,
    `LOG_TAG=${LOG_TAG}`,
    MOVER_BODY,
  ]);
}

// String.raw keeps bash's backslashes; every ${ is written \${ so JavaScript leaves it alone.
// Processes are the cost of a failover on a small instance: the body uses bash builtins for all
// but curl (the network), flock (the lock) and logger (one for the whole run).
const MOVER_BODY = String.raw`
IDENTITY=$RUN_DIR/identity CREDENTIALS=$RUN_DIR/credentials
TZ=UTC0

# One logger process for the run: log lines go to its stdin.
log() { printf '%s\n' "$*" >&"$LOG_FD"; }

is_master() { local a; a=$(ip -4 -o addr show dev "$VRRP_LINK" 2>/dev/null); [[ $a == *" $PLACEHOLDER/"* ]]; }

# read_file FILE: its text into REPLY, by a builtin.
read_file() { REPLY=; [ -f "$1" ] || return 1; IFS= read -r -d '' REPLY < "$1" || true; }
# read_state FILE NAME...: the NAME=value lines of FILE into those variables.
read_state() {
  local name value
  [ -s "$1" ] || return 1
  while IFS='=' read -r name value; do
    case " \${*:2} " in *" $name "*) printf -v "$name" '%s' "$value" ;; esac
  done < "$1"
}
# json_field TEXT NAME: a string field of IMDS's credentials document into REPLY.
json_field() { [[ $1 =~ \"$2\"[[:space:]]*:[[:space:]]*\"([^\"]*)\" ]] && REPLY=\${BASH_REMATCH[1]}; }
# xml_tag FILE TAG: the text of the first <TAG> of an EC2 reply into REPLY (empty if none).
xml_tag() {
  local x=
  read_file "$1" && x=$REPLY
  REPLY=
  [[ $x =~ \<$2\>([^\<]*)\</$2\> ]] && REPLY=\${BASH_REMATCH[1]}
}

# curl_all GENERATOR ARG...: the -K config GENERATOR prints, every transfer in ONE curl process;
# each transfer's write-out "<http code> <index>" lands in STATUS[index] (missing: no answer).
# Secrets travel in that config on stdin, written by builtins: they are in no process's argv.
curl_all() {
  local code i
  while read -r code i; do STATUS[i]=$code; done < <("$@" | curl -s --no-progress-meter --parallel --parallel-max 50 -K -)
}

# imds_get PATH...: IMDSv2 metadata into IMDS_REPLY[i], in one curl process after the session token
# (asked once per run); fails unless every PATH answered.
imds_get() {
  local i ok=0
  [ -n "\${IMDS_TOKEN:-}" ] ||
    IMDS_TOKEN=$(curl -sf -m 2 -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 21600" "$IMDS/api/token") || return 1
  IMDS_PATHS=("$@") IMDS_REPLY=() STATUS=()
  for i in "\${!IMDS_PATHS[@]}"; do : > "$RUN_DIR/imds.$i"; done
  curl_all imds_config
  for i in "\${!IMDS_PATHS[@]}"; do
    read_file "$RUN_DIR/imds.$i" && IMDS_REPLY[i]=$REPLY
    : > "$RUN_DIR/imds.$i"
    case \${STATUS[i]:-000} in 200) ;; 401) IMDS_TOKEN= ok=1 ;; *) ok=1 ;; esac
  done
  return $ok
}
imds_config() {
  local i
  for i in "\${!IMDS_PATHS[@]}"; do
    ((i > 0)) && printf 'next\n'
    printf 'url = "%s/meta-data/%s"\nheader = "X-aws-ec2-metadata-token: %s"\n' "$IMDS" "\${IMDS_PATHS[i]}" "$IMDS_TOKEN"
    printf 'output = "%s/imds.%d"\nwrite-out = "%%{http_code} %d\\n"\nmax-time = 2\nsilent\n' "$RUN_DIR" "$i" "$i"
  done
}

# The instance's identity (region, ENI, VPC, role name) never changes while it runs: read once from
# IMDS, then from $IDENTITY (/run: gone at the next boot, as a stop/start may bring a new one).
load_identity() {
  read_state "$IDENTITY" REGION MAC ENI VPC ROLE && [ -n "\${REGION:-}" ] && [ -n "\${ENI:-}" ] &&
    [ -n "\${VPC:-}" ] && [ -n "\${ROLE:-}" ] && return 0
  imds_get placement/region mac iam/security-credentials/ || return 1
  REGION=\${IMDS_REPLY[0]} MAC=\${IMDS_REPLY[1]} ROLE=\${IMDS_REPLY[2]%%$'\n'*}
  imds_get "network/interfaces/macs/$MAC/interface-id" "network/interfaces/macs/$MAC/vpc-id" \
    "iam/security-credentials/$ROLE" || return 1
  ENI=\${IMDS_REPLY[0]} VPC=\${IMDS_REPLY[1]}
  take_credentials "\${IMDS_REPLY[2]}" || return 1
  save_identity
}
save_identity() { printf 'REGION=%s\nMAC=%s\nENI=%s\nVPC=%s\nROLE=%s\n' "$REGION" "$MAC" "$ENI" "$VPC" "$ROLE" > "$IDENTITY"; }

# take_credentials DOC: the role's credentials from IMDS's document into variables and $CREDENTIALS
# (0600, /run): no secret ever reaches a command line or a log.
take_credentials() {
  json_field "$1" AccessKeyId && KEY_ID=$REPLY && json_field "$1" SecretAccessKey && SECRET=$REPLY &&
    json_field "$1" Token && SESSION_TOKEN=$REPLY && json_field "$1" Expiration && EXPIRATION=$REPLY || return 1
  printf 'KEY_ID=%s\nSECRET=%s\nSESSION_TOKEN=%s\nEXPIRATION=%s\n' "$KEY_ID" "$SECRET" "$SESSION_TOKEN" "$EXPIRATION" > "$CREDENTIALS"
}

# credentials_last SECONDS: the loaded credentials are still valid SECONDS from now (ISO 8601 UTC
# stamps compare as strings).
credentials_last() {
  local limit
  printf -v limit '%(%Y-%m-%dT%H:%M:%SZ)T' "$((EPOCHSECONDS + $1))"
  [ -n "\${KEY_ID:-}" ] && [ -n "\${SECRET:-}" ] && [ -n "\${SESSION_TOKEN:-}" ] && [[ \${EXPIRATION:-} > $limit ]]
}

# load_credentials [fresh]: the cached credentials while they last CREDENTIAL_MARGIN_S more (not when
# EC2 just refused them: fresh), else IMDS's; if IMDS cannot answer, cached ones not yet expired.
load_credentials() {
  [ "\${1:-}" != fresh ] && read_state "$CREDENTIALS" KEY_ID SECRET SESSION_TOKEN EXPIRATION &&
    credentials_last "$CREDENTIAL_MARGIN_S" && return 0
  imds_get "iam/security-credentials/$ROLE" && take_credentials "\${IMDS_REPLY[0]}" && return 0
  # IMDS answered, but not for that role: the instance profile changed. Ask for the role's name.
  if [ -n "\${IMDS_TOKEN:-}" ] && imds_get iam/security-credentials/ && ROLE=\${IMDS_REPLY[0]%%$'\n'*} &&
    imds_get "iam/security-credentials/$ROLE" && take_credentials "\${IMDS_REPLY[0]}"; then
    save_identity
    return 0
  fi
  credentials_last 0 && { log "instance metadata unreachable; signing with the cached credentials until they expire"; return 0; }
  return 1
}

# ec2_calls: the Query API bodies in CALLS, all in ONE curl process; reply i lands in $RUN_DIR/ec2.i
# and its HTTP status in STATUS[i] (000: no answer). The calls EC2 refused for their credentials
# (expired: RequestExpired or ExpiredToken; unknown: AuthFailure) go once more with IMDS's.
ec2_calls() {
  local i rejected=()
  STATUS=()
  ec2_send "\${!CALLS[@]}"
  for i in "\${!CALLS[@]}"; do
    case \${STATUS[i]:-000} in 400 | 401 | 403) xml_tag "$RUN_DIR/ec2.$i" Code ;; *) continue ;; esac
    case $REPLY in AuthFailure | RequestExpired | ExpiredToken*) rejected+=("$i") ;; esac
  done
  ((\${#rejected[@]} > 0)) || return 0
  log "EC2 refused the role's credentials ($REPLY); reading new ones from IMDS"
  : > "$CREDENTIALS"
  load_credentials fresh && ec2_send "\${rejected[@]}"
  return 0
}
ec2_send() {
  local i
  for i in "$@"; do : > "$RUN_DIR/ec2.$i"; unset "STATUS[i]"; done
  curl_all ec2_config "$@"
}
ec2_config() {
  local i first=1 domain=amazonaws.com
  # The China regions' endpoints live under their own domain (the aws-cn partition).
  [[ $REGION == cn-* ]] && domain=amazonaws.com.cn
  for i in "$@"; do
    ((first)) || printf 'next\n'
    first=0
    printf 'url = "https://ec2.%s.%s/"\naws-sigv4 = "aws:amz:%s:ec2"\n' "$REGION" "$domain" "$REGION"
    printf 'user = "%s:%s"\nheader = "x-amz-security-token: %s"\n' "$KEY_ID" "$SECRET" "$SESSION_TOKEN"
    printf 'data = "%s"\noutput = "%s/ec2.%d"\n' "\${CALLS[i]}" "$RUN_DIR" "$i"
    printf 'write-out = "%%{http_code} %d\\n"\nmax-time = 10\nsilent\n' "$i"
  done
}

query() { printf -v REPLY 'Action=%s&Version=%s' "$1" "$EC2_API_VERSION"; }
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
  printf -v ms '%d.%03d' $((ms / 1000)) $((ms % 1000))
  sleep "$ms"
}

# move_routes: every job until each is done, for as long as still_entitled holds.
move_routes() {
  local round=0 j k pending=("\${!JOB_TABLE[@]}") next
  while ((\${#pending[@]} > 0)); do
    if ((round > 0)); then
      still_entitled || { log "\${#pending[@]} route(s) left as they are: $ENTITLEMENT no longer holds"; return 1; }
      ((BACK_OFF)) && backoff "$round"
      # a run that never gives up may outlive its credentials
      credentials_last "$CREDENTIAL_MARGIN_S" || load_credentials ||
        { log "instance metadata unreachable; retrying"; round=$((round + 1)); BACK_OFF=1; continue; }
    fi
    BACK_OFF=0 CALLS=() next=()
    for j in "\${pending[@]}"; do
      query "\${JOB_ACTION[j]}"
      CALLS+=("$REPLY&RouteTableId=\${JOB_TABLE[j]}&DestinationCidrBlock=\${JOB_CIDR[j]/\//%2F}&NetworkInterfaceId=\${JOB_ENI[j]}")
    done
    ec2_calls
    for k in "\${!pending[@]}"; do
      j=\${pending[k]}
      outcome "$j" "\${STATUS[k]:-000}" "$RUN_DIR/ec2.$k" || next+=("$j")
    done
    pending=("\${next[@]}")
    round=$((round + 1))
  done
}

# read_routes: one DescribeRouteTables of the managed tables into TARGET["table cidr"]="eni state"
# ("none" for a target that is no network interface); a route absent from the reply is missing.
read_routes() {
  local i chunk tag text table= cidr= eni= state= in_routes=0
  query DescribeRouteTables
  CALLS=("$REPLY")
  for i in "\${!ROUTE_TABLES[@]}"; do CALLS[0]+="&RouteTableId.$((i + 1))=\${ROUTE_TABLES[i]}"; done
  ec2_calls
  [ "\${STATUS[0]:-000}" = 200 ] || { xml_tag "$RUN_DIR/ec2.0" Code; log "cannot read the route tables (HTTP \${STATUS[0]:-000} \${REPLY:-})"; return 1; }
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
  done < "$RUN_DIR/ec2.0"
}

# peer_eni: the peer gateway's ENI (by its private IP in this VPC), asked of EC2 once and kept in /run.
peer_eni() {
  local cache=$RUN_DIR/peer-eni
  read_file "$cache" && [ -n "$REPLY" ] && { PEER_ENI=\${REPLY%$'\n'}; return 0; }
  query DescribeNetworkInterfaces
  CALLS=("$REPLY&Filter.1.Name=addresses.private-ip-address&Filter.1.Value.1=$PEER_PRIVATE_IP&Filter.2.Name=vpc-id&Filter.2.Value.1=$VPC")
  ec2_calls
  [ "\${STATUS[0]:-000}" = 200 ] && xml_tag "$RUN_DIR/ec2.0" networkInterfaceId && [ -n "$REPLY" ] || return 1
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
[ -d "$RUN_DIR" ] || mkdir -p "$RUN_DIR"
exec 9>"$RUN_DIR/routes.lock"
case \${1:-} in
  --reassert)
    # A mover already at work is doing this job; the timer comes again.
    flock -n 9 || exit 0
    if is_master; then ENTITLEMENT=mastership; still_entitled() { is_master; }
    else ENTITLEMENT="not being master"; still_entitled() { ! is_master; }; fi
    ;;
  --warm)
    # Whatever holds the lock is filling the cache itself.
    flock -n 9 || exit 0
    ;;
  *)
    # keepalived's notify waits for a timer run to finish, then moves everything.
    flock 9
    ENTITLEMENT=mastership
    still_entitled() { is_master; }
    ;;
esac
exec {LOG_FD}> >(exec logger -t "$LOG_TAG")
LOG_PID=$!
trap 'exec {LOG_FD}>&-; wait "$LOG_PID"' EXIT

load_identity && load_credentials || {
  log "instance metadata (IMDSv2) unreachable: \${1:-routes not moved}\${1:+ not done}"; exit 1; }
[ "\${1:-}" = --warm ] && exit 0

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
