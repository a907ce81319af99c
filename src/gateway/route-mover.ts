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
/**
 * Both mover units start at STARTING_NICE, so a mover starting (the killed one coming back as the
 * spare: a second of CPU on a starved instance) never delays the prober or keepalived; the active
 * mover raises its threads to ACTIVE_NICE, ahead of them, for the failover it acts on.
 */
export const STARTING_NICE = 10;
export const ACTIVE_NICE = -10;

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
  activeNice: number;
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
    activeNice: ACTIVE_NICE,
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
 * (-I) and without site (-S): the standard library only. Two units run the same mover: whichever
 * holds the lock is active, the other waits for the lock with its identity read and its connections
 * open, so a mover that dies is replaced by one that has nothing to start (docs/route-mover.md,
 * "When the mover dies"). Restart=always within RESTART_MS, never rate-limited, brings the dead one
 * back as the new spare. keepalived starts after the main unit (its drop-in), which is started once
 * the FIFO is there, whichever of the two is active.
 */
export function renderRouteMoverUnit(c: GatewayContext, spare = false): string {
  const role = spare
    ? "the route mover's hot spare (takes over the moment the active one ends)"
    : "route mover (resident; keepalived's FIFO tells it each VRRP transition)";
  return fileOf([
    "[Unit]",
    `Description=vpc-ipip6-gateway: ${role}, site ${c.site}`,
    "Wants=network-online.target",
    "After=network-online.target",
    ...(spare ? [] : [`Before=${UNITS.keepalived}`]),
    "StartLimitIntervalSec=0",
    "",
    "[Service]",
    // started (for keepalived's After=) once its FIFO is open: sd_notify READY=1
    "Type=notify",
    `ExecStart=/usr/bin/python3 -I -S ${PATHS.routeMoverScript} ${PATHS.routeMoverConfig}`,
    // a re-assert now (SIGUSR1), e.g. after fixing a route table by hand; a spare passes it on
    "ExecReload=/bin/kill -USR1 $MAINPID",
    "Restart=always",
    `RestartSec=${RESTART_MS}ms`,
    `StateDirectory=${path.posix.basename(PATHS.routeMoverStateDir)}`,
    `SyslogIdentifier=${LOG_TAG}`,
    // low while it starts; the active mover raises itself to ACTIVE_NICE (route-mover.py)
    `Nice=${STARTING_NICE}`,
    "OOMScoreAdjust=-500",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
  ]);
}
