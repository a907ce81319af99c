/** Where the rendered files live on a gateway, and the names of the things they create. */

export const PATHS = {
  tunnelsScript: "/usr/local/sbin/vpc-ipip6-gateway-tunnels",
  tunnelsUnit: "/etc/systemd/system/vpc-ipip6-gateway-tunnels.service",
  keepalivedDropIn: "/etc/systemd/system/keepalived.service.d/vpc-ipip6-gateway.conf",
  sysctl: "/etc/sysctl.d/90-vpc-ipip6-gateway.conf",
  networkdDropIn: "/etc/systemd/networkd.conf.d/vpc-ipip6-gateway.conf",
  nftables: "/etc/vpc-ipip6-gateway/mss-clamp.nft",
  keepalivedConf: "/etc/keepalived/keepalived.conf",
  proberScript: "/usr/local/libexec/vpc-ipip6-gateway/prober",
  proberUnit: "/etc/systemd/system/vpc-ipip6-gateway-prober.service",
  /** Runtime state: keepalived's track file and the prober's status file (docs/gateway-prober.md). */
  proberStateDir: "/run/vpc-ipip6-gateway",
  /** The resident route mover (route-mover.ts), its configuration, unit and persistent state. */
  routeMoverScript: "/usr/local/libexec/vpc-ipip6-gateway/route-mover",
  routeMoverConfig: "/etc/vpc-ipip6-gateway/route-mover.json",
  routeMoverUnit: "/etc/systemd/system/vpc-ipip6-gateway-route-mover.service",
  /** The same mover again, waiting for the lock as the active one's hot spare (route-mover.ts). */
  routeMoverSpareUnit: "/etc/systemd/system/vpc-ipip6-gateway-route-mover-spare.service",
  routeMoverStateDir: "/var/lib/vpc-ipip6-gateway",
  /** The CloudWatch publisher (docs/operations.md, "Metrics and alarms"), and its timer. */
  metricsScript: "/usr/local/libexec/vpc-ipip6-gateway/metrics",
  metricsUnit: "/etc/systemd/system/vpc-ipip6-gateway-metrics.service",
  metricsTimer: "/etc/systemd/system/vpc-ipip6-gateway-metrics.timer",
} as const;

export const UNITS = {
  tunnels: "vpc-ipip6-gateway-tunnels.service",
  prober: "vpc-ipip6-gateway-prober.service",
  routeMover: "vpc-ipip6-gateway-route-mover.service",
  routeMoverSpare: "vpc-ipip6-gateway-route-mover-spare.service",
  keepalived: "keepalived.service",
  metricsTimer: "vpc-ipip6-gateway-metrics.timer",
} as const;

export const LINKS = {
  isatap: "sit1",
  tunnel: "tun0",
  /** Dummy link that carries VRRPv3's placeholder virtual address: its presence marks the master. */
  vrrp: "vig-vrrp",
} as const;

export const NFT_TABLE = "vpc_ipip6_gateway";
export const LOG_TAG = "vpc-ipip6-gateway";
/** Runtime state of the route mover (its lock, keepalived's FIFO, the VRRP record): tmpfs. */
export const RUN_DIR = "/run/vpc-ipip6-gateway";
