/** keepalived.conf and the two scripts it runs: the tunnel check and the route move. */

import { GatewayContext } from "./context";
import { LINKS, PATHS } from "./paths";
import { fileOf, quote } from "./shell";

/**
 * VRRPv3 over unicast between the two gateways' private IPs (VPCs carry no multicast), with a
 * sub-second advert interval. A failing track script puts the instance in FAULT, which hands
 * mastership to the peer at once (keepalived sends a priority-0 advert when it leaves MASTER).
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
    "vrrp_script vig_tunnel {",
    `  script "${PATHS.trackScript}"`,
    "  interval 1",
    "  timeout 2",
    "  fall 1",
    "  rise 2",
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
    "  track_script {",
    "    vig_tunnel",
    "  }",
    `  notify_master "${PATHS.notifyScript}"`,
    "}",
  ]);
}

/** Succeeds while the tunnel carries traffic: any echo reply from the RTX's LAN address within 1 s. */
export function renderTrackScript(c: GatewayContext): string {
  return fileOf([
    "#!/bin/bash",
    `# vpc-ipip6-gateway: is ${LINKS.tunnel} to site ${c.site} passing traffic? Rendered; do not edit.`,
    `exec ping -n -q -I ${LINKS.tunnel} -i 0.2 -w 1 ${quote(c.rtxLanAddress)} >/dev/null 2>&1`,
  ]);
}
