/** Where the rendered files live on a gateway, and the names of the things they create. */

export const PATHS = {
  tunnelsScript: "/usr/local/sbin/vpc-ipip6-gateway-tunnels",
  tunnelsUnit: "/etc/systemd/system/vpc-ipip6-gateway-tunnels.service",
  keepalivedDropIn: "/etc/systemd/system/keepalived.service.d/vpc-ipip6-gateway.conf",
  reassertUnit: "/etc/systemd/system/vpc-ipip6-gateway-reassert.service",
  reassertTimer: "/etc/systemd/system/vpc-ipip6-gateway-reassert.timer",
  sysctl: "/etc/sysctl.d/90-vpc-ipip6-gateway.conf",
  networkdDropIn: "/etc/systemd/networkd.conf.d/vpc-ipip6-gateway.conf",
  nftables: "/etc/vpc-ipip6-gateway/mss-clamp.nft",
  keepalivedConf: "/etc/keepalived/keepalived.conf",
  proberScript: "/usr/local/libexec/vpc-ipip6-gateway/prober",
  proberUnit: "/etc/systemd/system/vpc-ipip6-gateway-prober.service",
  /** Runtime state: keepalived's track file and the prober's status file (docs/gateway-prober.md). */
  proberStateDir: "/run/vpc-ipip6-gateway",
  notifyScript: "/usr/local/libexec/vpc-ipip6-gateway/notify-master",
  /** keepalived's notify hook: records VRRP state for status, hands transitions to metrics. */
  vrrpNotifyScript: "/usr/local/libexec/vpc-ipip6-gateway/vrrp-notify",
  /** The CloudWatch publisher (docs/operations.md, "Metrics and alarms"), and its timer. */
  metricsScript: "/usr/local/libexec/vpc-ipip6-gateway/metrics",
  metricsUnit: "/etc/systemd/system/vpc-ipip6-gateway-metrics.service",
  metricsTimer: "/etc/systemd/system/vpc-ipip6-gateway-metrics.timer",
} as const;

export const UNITS = {
  tunnels: "vpc-ipip6-gateway-tunnels.service",
  prober: "vpc-ipip6-gateway-prober.service",
  reassertService: "vpc-ipip6-gateway-reassert.service",
  reassertTimer: "vpc-ipip6-gateway-reassert.timer",
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
/** What the route mover keeps across restarts: the routes it has seen exist (docs/route-mover.md). */
export const STATE_DIR = "/var/lib/vpc-ipip6-gateway";
/** Runtime state of the route mover (lock, peer ENI, per-run work files): tmpfs, 0700. */
export const RUN_DIR = "/run/vpc-ipip6-gateway";
