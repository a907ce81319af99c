/** keepalived.conf: VRRP, the prober's track file, and the FIFO the route mover reads. */

import { GatewayContext, PRIORITIES, STANDBY_NOPREEMPT } from "./context";
import { LINKS, PATHS } from "./paths";
import { TRACK_FILE_NAME } from "./prober";
import { vrrpFifoPath, vrrpInstanceName } from "./route-mover";
import { fileOf } from "./shell";

/**
 * VRRPv3 over unicast between the two gateways' private IPs (VPCs carry no multicast), with a
 * sub-second advert interval. The tunnel prober's track file (weight 0: any non-zero value is a
 * failure, keepalived.conf(5) "Track files") puts the instance in FAULT the moment the prober
 * writes 1, which hands mastership to the peer at once (keepalived sends a priority-0 advert when
 * it leaves MASTER). init_file makes a missing file read as down: keepalived treats an absent
 * file as 0, and a gateway whose prober has not judged the tunnel yet must not take the routes.
 * keepalived runs no script on a transition: it writes one line to vrrp_notify_fifo, which it opens
 * read-write and non-blocking (keepalived 2.2.7, lib/notify.c), and the resident route mover reads
 * it (route-mover.ts). The mover creates the FIFO before keepalived starts, so keepalived never
 * unlinks it on a stop.
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
    `  vrrp_notify_fifo ${vrrpFifoPath()}`,
    "}",
    "",
    "track_file vig_tunnel {",
    `  file "${PATHS.proberStateDir}/${TRACK_FILE_NAME}"`,
    "  weight 0",
    "  init_file 1",
    "}",
    "",
    `vrrp_instance ${vrrpInstanceName(c)} {`,
    "  state BACKUP",
    `  interface ${c.interfaceName}`,
    `  virtual_router_id ${c.vrrp.routerId}`,
    `  priority ${c.vrrp.priority}`,
    // the standby never takes over from a healthy master, whatever its priority (context.ts)
    ...(STANDBY_NOPREEMPT && c.vrrp.priority < Math.max(...PRIORITIES) ? ["  nopreempt"] : []),
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
    "}",
  ]);
}
