/** keepalived.conf and the script it runs on becoming master: the route move. */

import { GatewayContext } from "./context";
import { LINKS, PATHS } from "./paths";
import { TRACK_FILE_NAME } from "./prober";
import { fileOf } from "./shell";

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
