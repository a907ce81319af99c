/**
 * The resident route mover (route-mover.py, shipped as it is): one long-lived process per gateway,
 * started at boot by its unit, that learns each VRRP transition from keepalived's vrrp_notify_fifo
 * and moves the routes over a TLS connection it keeps open, signing in-process: nothing is forked on
 * a failover. Its configuration is a rendered JSON file. docs/route-mover.md says what it does and
 * costs, docs/pulumi.md "Route ownership" who creates and moves which route.
 */

import * as fs from "fs";
import * as path from "path";
import { GatewayContext } from "./context";
import { LOG_TAG, PATHS, RUN_DIR, UNITS } from "./paths";
import { fileOf } from "./shell";
import { VRRP_HISTORY_FILE_NAME, VRRP_STATE_FILE_NAME } from "./vrrp-state";
import { METRIC, METRICS_NAMESPACE } from "./metrics";

/** The mover's source, in this directory beside its renderer. */
export const ROUTE_MOVER_SOURCE = path.join(__dirname, "route-mover.py");
/** keepalived writes "INSTANCE \"name\" STATE priority" lines here (keepalived.conf(5)). */
export const VRRP_FIFO_NAME = "vrrp.fifo";
/** The routes the mover has seen exist, under its StateDirectory (survives restarts and reboots). */
export const SEEN_FILE_NAME = "route-mover-seen.json";
/** The mover's lock against itself; it holds its pid (what ExecReload's $MAINPID is). */
export const LOCK_FILE_NAME = "route-mover.lock";
/** The re-assert period: drift repair while master, hand-back while not. */
export const REASSERT_S = 30;
/** systemd restarts a mover that died after this long; it replays what keepalived said meanwhile. */
export const RESTART_MS = 200;

/** Files an earlier version installed that this one replaces (the install removes them). */
export const LEGACY = {
  units: ["vpc-ipip6-gateway-reassert.timer", "vpc-ipip6-gateway-reassert.service"],
  files: [
    "/usr/local/libexec/vpc-ipip6-gateway/notify-master",
    "/usr/local/libexec/vpc-ipip6-gateway/vrrp-notify",
    "/etc/systemd/system/vpc-ipip6-gateway-reassert.service",
    "/etc/systemd/system/vpc-ipip6-gateway-reassert.timer",
  ],
} as const;

export function vrrpFifoPath(): string {
  return `${RUN_DIR}/${VRRP_FIFO_NAME}`;
}

export function vrrpInstanceName(c: GatewayContext): string {
  return `vig_${c.site.replace(/-/g, "_")}`;
}

export function renderRouteMover(): string {
  return fs.readFileSync(ROUTE_MOVER_SOURCE, "utf8");
}

export interface RouteMoverConfig {
  site: string;
  name: string;
  instance: string;
  routeTables: string[];
  siteCidrs: string[];
  peerPrivateIp: string;
  placeholder: string;
  runDir: string;
  stateDir: string;
  fifoName: string;
  lockFileName: string;
  seenFileName: string;
  vrrpStateFileName: string;
  vrrpHistoryFileName: string;
  reassertS: number;
  metricsNamespace: string;
  transitionMetric: string;
}

export function routeMoverConfig(c: GatewayContext): RouteMoverConfig {
  return {
    site: c.site,
    name: c.name,
    instance: vrrpInstanceName(c),
    routeTables: c.routeTableIds,
    siteCidrs: c.siteCidrs,
    peerPrivateIp: c.peerPrivateIp,
    placeholder: c.vrrp.placeholder,
    runDir: RUN_DIR,
    stateDir: PATHS.routeMoverStateDir,
    fifoName: VRRP_FIFO_NAME,
    lockFileName: LOCK_FILE_NAME,
    seenFileName: SEEN_FILE_NAME,
    vrrpStateFileName: VRRP_STATE_FILE_NAME,
    vrrpHistoryFileName: VRRP_HISTORY_FILE_NAME,
    reassertS: REASSERT_S,
    metricsNamespace: METRICS_NAMESPACE,
    transitionMetric: METRIC.vrrpTransition,
  };
}

export function renderRouteMoverConfig(c: GatewayContext): string {
  return JSON.stringify(routeMoverConfig(c), null, 2) + "\n";
}

/**
 * Amazon Linux 2023's system Python (/usr/bin/python3, 3.9 for the life of AL2023: AL2023 User
 * Guide, "Python in AL2023", https://docs.aws.amazon.com/linux/al2023/ug/python.html), isolated
 * (-I) and without site (-S): the standard library only. Restart=always within RESTART_MS, never
 * rate-limited: a mover that died is back before the next failover needs it, and replays the
 * transitions keepalived wrote into the FIFO meanwhile. keepalived starts after it (its drop-in).
 */
export function renderRouteMoverUnit(c: GatewayContext): string {
  return fileOf([
    "[Unit]",
    `Description=vpc-ipip6-gateway: route mover of site ${c.site} (resident; keepalived's FIFO tells it each VRRP transition)`,
    "Wants=network-online.target",
    "After=network-online.target",
    `Before=${UNITS.keepalived}`,
    "StartLimitIntervalSec=0",
    "",
    "[Service]",
    // started (for keepalived's After=) once its FIFO is open: sd_notify READY=1
    "Type=notify",
    `ExecStart=/usr/bin/python3 -I -S ${PATHS.routeMoverScript} ${PATHS.routeMoverConfig}`,
    // a re-assert now (SIGUSR1), e.g. after fixing a route table by hand
    "ExecReload=/bin/kill -USR1 $MAINPID",
    "Restart=always",
    `RestartSec=${RESTART_MS}ms`,
    `StateDirectory=${path.posix.basename(PATHS.routeMoverStateDir)}`,
    `SyslogIdentifier=${LOG_TAG}`,
    // the failover's one process: ahead of the metrics timer and anything else on a small instance
    "Nice=-10",
    "OOMScoreAdjust=-500",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
  ]);
}
