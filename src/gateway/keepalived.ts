/** keepalived.conf and the script it runs on becoming master: the route move. */

import { GatewayContext } from "./context";
import { LINKS, LOG_TAG, PATHS } from "./paths";
import { TRACK_FILE_NAME } from "./prober";
import { bashArray, fileOf } from "./shell";

/**
 * VRRPv3 over unicast between the two gateways' private IPs (VPCs carry no multicast), with a
 * sub-second advert interval. The tunnel prober's track file (weight 0: any non-zero value is a
 * failure, keepalived.conf(5) "Track files") puts the instance in FAULT the moment the prober
 * writes 1, which hands mastership to the peer at once (keepalived sends a priority-0 advert when
 * it leaves MASTER). init_file makes a missing file read as down: keepalived treats an absent
 * file as 0, and a gateway whose prober has not judged the tunnel yet must not take the routes.
 */
export function renderKeepalivedConf(c: GatewayContext): string {
  const advert = (c.vrrp.advertIntervalMs / 1000).toFixed(2);
  return fileOf([
    `# vpc-ipip6-gateway: VRRP of gateway ${c.name} for site ${c.site}. Rendered; do not edit.`,
    "global_defs {",
    `  router_id vig-${c.site}-${c.name}`,
    "  vrrp_version 3",
    "  enable_script_security",
    "  script_user root",
    "}",
    "",
    "track_file vig_tunnel {",
    `  file "${PATHS.proberStateDir}/${TRACK_FILE_NAME}"`,
    "  weight 0",
    "  init_file 1",
    "}",
    "",
    `vrrp_instance vig_${c.site.replace(/-/g, "_")} {`,
    "  state BACKUP",
    `  interface ${c.interfaceName}`,
    `  virtual_router_id ${c.vrrp.routerId}`,
    `  priority ${c.vrrp.priority}`,
    `  advert_int ${advert}`,
    `  unicast_src_ip ${c.privateIp}`,
    "  unicast_peer {",
    `    ${c.peerPrivateIp}`,
    "  }",
    "  virtual_ipaddress {",
    `    ${c.vrrp.placeholder}/32 dev ${LINKS.vrrp}`,
    "  }",
    "  track_file {",
    "    vig_tunnel",
    "  }",
    `  notify_master "${PATHS.notifyScript}"`,
    // Every state change, for status and CloudWatch history (vrrp-state.ts); runs after notify_master.
    `  notify "${PATHS.vrrpNotifyScript}"`,
    "}",
  ]);
}

export function renderNotifyScript(c: GatewayContext): string {
  return fileOf([
    "#!/bin/bash",
    `# vpc-ipip6-gateway: point site ${c.site}'s routes at this gateway (${c.name}). Rendered; do not edit.`,
    "# Run by keepalived on becoming MASTER; with --if-master, by a timer to re-assert them.",
    "set -uo pipefail",
    `ROUTE_TABLES=${bashArray(c.routeTableIds)}`,
    `SITE_CIDRS=${bashArray(c.siteCidrs)}`,
    `VRRP_LINK=${LINKS.vrrp} PLACEHOLDER=${c.vrrp.placeholder}`,
    "IMDS=http://169.254.169.254/latest",
    "BACKOFF_S=(0.2 0.5 1 2 4)",
    "",
    `log() { logger -t ${LOG_TAG} -- "$*"; }`,
    NOTIFY_BODY,
  ]);
}

const NOTIFY_BODY = `
# IMDSv2: one session token, then the metadata (IMDS_TOKEN is set once, below).
imds() { curl -sf -m 2 -H "X-aws-ec2-metadata-token: $IMDS_TOKEN" "$IMDS/meta-data/$1"; }
imds_token() { curl -sf -m 2 -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" "$IMDS/api/token"; }

is_master() { ip -4 addr show dev "$VRRP_LINK" 2>/dev/null | grep -q " $PLACEHOLDER/"; }

# The route's current target ENI ("None" when it targets something else, empty when absent).
current_target() {
  aws ec2 describe-route-tables --region "$REGION" --route-table-ids "$1" --output text \\
    --query "RouteTables[0].Routes[?DestinationCidrBlock=='$2'].NetworkInterfaceId | [0]"
}

# EC2 answers ReplaceRoute on a missing route with InvalidParameterValue "There is no route defined
# for '<cidr>' in the route table. Use CreateRoute instead."
route_is_missing() { [[ $1 == *"Use CreateRoute instead"* || $1 == *InvalidRoute.NotFound* ]]; }

# ReplaceRoute, or CreateRoute when the route is missing, retried with backoff.
move_route() {
  local table=$1 cidr=$2 attempt output
  for attempt in "\${!BACKOFF_S[@]}"; do
    if output=$(aws ec2 replace-route --region "$REGION" --route-table-id "$table" \\
        --destination-cidr-block "$cidr" --network-interface-id "$ENI" 2>&1); then
      log "route $cidr in $table -> $ENI (replaced)"; return 0
    fi
    if route_is_missing "$output" && output=$(aws ec2 create-route --region "$REGION" \\
        --route-table-id "$table" --destination-cidr-block "$cidr" --network-interface-id "$ENI" 2>&1); then
      log "route $cidr in $table -> $ENI (created)"; return 0
    fi
    log "route $cidr in $table: attempt $((attempt + 1)) failed: $output"
    sleep "\${BACKOFF_S[attempt]}"
  done
  log "route $cidr in $table: giving up after \${#BACKOFF_S[@]} attempts"
  return 1
}

reassert_route() {
  local target
  target=$(current_target "$1" "$2") || { log "cannot read route $2 in $1"; return 1; }
  [ "$target" = "$ENI" ] || move_route "$1" "$2"
}

if [ "\${1:-}" = "--if-master" ]; then
  is_master || exit 0
  action=reassert_route
else
  action=move_route
fi

IMDS_TOKEN=$(imds_token) && REGION=$(imds placement/region) && MAC=$(imds mac) &&
  ENI=$(imds "network/interfaces/macs/$MAC/interface-id") || {
  log "instance metadata (IMDSv2) unreachable: routes not moved"; exit 1; }

# Every route at once: the failover time is one API round trip, not one per route.
pids=()
for table in "\${ROUTE_TABLES[@]}"; do
  for cidr in "\${SITE_CIDRS[@]}"; do
    "$action" "$table" "$cidr" & pids+=($!)
  done
done
failed=0
for pid in "\${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
[ "$failed" -eq 0 ] || { log "$failed route(s) not moved"; exit 1; }
`;
