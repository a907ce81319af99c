/**
 * /lab/lab.env: everything the guest scripts need, as bash variables, from the planned topology,
 * the RTX intent and the rendered gateway files.
 */

import * as path from "path";
import { PATHS, RUN_DIR } from "../src/gateway/paths";
import { LOCK_FILE_NAME, VRRP_FIFO_NAME } from "../src/gateway/route-mover";
import { quote } from "../src/gateway/shell";
import { RenderedSite } from "../src/render/types";
import { GUEST_STANDIN, STANDIN_DIR } from "./aws-guest";
import { keepaliveDetectionBoundMs, RTX_DEFAULT_TUNNEL_MTU, RtxIntent } from "./rtx-intent";
import { ec2Hostname } from "./tls";
import { LabTopology } from "./topology";

const TUNNELS_UNIT = PATHS.tunnelsUnit;
const KEEPALIVED_CONF = PATHS.keepalivedConf;

export const KEEPALIVED_DROP_IN = PATHS.keepalivedDropIn;
/** The instance metadata service's address, as on EC2. */
export const IMDS_IP = "169.254.169.254";
/**
 * The period the lab runs the re-assert timer's service at during the split-brain scenario (the
 * rendered timer's is 30 s): several runs on each gateway while VRRP is blocked, in seconds.
 */
export const SPLIT_TIMER_PERIOD_S = 2;
/** How long the split-brain scenario keeps VRRP blocked, in seconds. */
export const SPLIT_DURATION_S = 14;

export interface UnitExec {
  start: string[];
  /** ExecStartPost: what systemd runs once the main process has started. */
  post: string[];
  stop: string[];
}

/**
 * ExecStartPre/ExecStart, ExecStartPost and ExecStop lines of a systemd unit, prefixes like "-" or
 * "+" dropped.
 */
export function parseUnitExec(unitText: string): UnitExec {
  const exec: UnitExec = { start: [], post: [], stop: [] };
  for (const raw of unitText.split("\n")) {
    const m = /^\s*(ExecStartPre|ExecStartPost|ExecStart|ExecStop)\s*=\s*(.*)$/.exec(raw);
    if (!m || m[2].trim() === "") continue;
    const command = m[2].trim().replace(/^[-+!@:]+/, "");
    if (m[1] === "ExecStop") exec.stop.push(command);
    else if (m[1] === "ExecStartPost") exec.post.push(command);
    else exec.start.push(command);
  }
  return exec;
}

/** The directories bound per gateway: /etc and /usr/local whole, any other file's own directory. */
export function bindDirs(files: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const file of files) {
    if (file.startsWith("/etc/")) dirs.add("/etc");
    else if (file.startsWith("/usr/local/")) dirs.add("/usr/local");
    else dirs.add(path.posix.dirname(file));
  }
  return [...dirs].sort();
}

/** VRRP's placeholder address and the link keepalived puts it on while master (keepalived.conf). */
export function vrrpPlaceholder(keepalivedConf: string): { address: string; link: string } {
  const m = /virtual_ipaddress\s*\{\s*([0-9.]+)\/32 dev (\S+)/.exec(keepalivedConf);
  if (!m) throw new Error(`${KEEPALIVED_CONF} has no virtual_ipaddress on a link`);
  return { address: m[1], link: m[2] };
}

/** keepalived.conf's advert_int (ms) and priority: VRRP's takeover bound (lab/report.ts). */
export function vrrpTiming(keepalivedConf: string): { advertMs: number; priority: number } {
  const advert = /^\s*advert_int\s+([0-9.]+)/m.exec(keepalivedConf);
  const priority = /^\s*priority\s+(\d+)/m.exec(keepalivedConf);
  if (!advert || !priority) throw new Error(`${KEEPALIVED_CONF} has no advert_int or priority`);
  return { advertMs: Math.round(Number(advert[1]) * 1000), priority: Number(priority[1]) };
}

/** Oneshot units the lab runs once by hand at the end (a timer's service, for instance). */
export function extraOneshotUnits(files: Record<string, string>): string[] {
  return Object.keys(files)
    .filter(
      (f) => f.startsWith("/etc/systemd/system/") && f.endsWith(".service") && f !== TUNNELS_UNIT,
    )
    .filter((f) => /^\s*Type\s*=\s*oneshot\s*$/m.test(files[f]))
    .sort();
}

/** Long-running services (Type=simple or notify) the lab starts at boot, before keepalived. */
export function longRunningUnits(files: Record<string, string>): string[] {
  return Object.keys(files)
    .filter((f) => f.startsWith("/etc/systemd/system/") && f.endsWith(".service"))
    .filter((f) => /^\s*Type\s*=\s*(simple|notify)\s*$/m.test(files[f]))
    .sort();
}

/** RestartSec= in seconds ("200ms", "1", "2s"); systemd's default is 100 ms. */
export function restartSeconds(unitText: string): number {
  const m = /^\s*RestartSec\s*=\s*([0-9.]+)\s*(ms|s)?\s*$/m.exec(unitText);
  if (!m) return 0.1;
  return m[2] === "ms" ? Number(m[1]) / 1000 : Number(m[1]);
}

/**
 * The bash command that runs a long-running unit as systemd would: its ExecStart lines at the unit's
 * Nice=, and with Restart=always started again RestartSec after it ends, however it ended (the lab
 * has no systemd).
 */
export function serviceCommand(unitText: string): string {
  const nice = /^\s*Nice\s*=\s*(-?\d+)\s*$/m.exec(unitText)?.[1];
  const start = parseUnitExec(unitText)
    .start.map((c) => (nice ? `nice -n ${nice} ${c}` : c))
    .join(" && ");
  if (!/^\s*Restart\s*=\s*always\s*$/m.test(unitText)) return start;
  return `while :; do ${start}; sleep ${restartSeconds(unitText)}; done`;
}

/** A unit's ExecReload with $MAINPID read from the pid file its main process keeps. */
export function reloadCommand(unitText: string, pidFile: string): string {
  const reload = /^\s*ExecReload\s*=\s*(.*)$/m.exec(unitText)?.[1]?.trim() ?? "";
  return reload.replace(/\$MAINPID\b/g, `$(head -n 1 ${pidFile})`);
}

/** Directories that are tmpfs on a gateway (emptied at boot) and private to each gateway. */
export const RUNTIME_DIRS = [PATHS.proberStateDir];
/** Directories private to each gateway that survive a reboot (systemd's StateDirectory). */
export const PERSISTENT_DIRS = [PATHS.routeMoverStateDir];

/** A bash word for a value (the renderer's one quoting rule). */
function q(value: string | number): string {
  return quote(String(value));
}

function assoc(name: string, entries: [string | number, string | number][]): string {
  return `declare -A ${name}=(${entries.map(([k, v]) => `[${q(k)}]=${q(v)}`).join(" ")})`;
}

function list(name: string, values: (string | number)[]): string {
  return `${name}=(${values.map(q).join(" ")})`;
}

export function renderGuestEnv(
  topology: LabTopology,
  intent: RtxIntent,
  site: RenderedSite,
): string {
  const files = site.gateways[0].files;
  const unit = files[TUNNELS_UNIT];
  if (!unit) throw new Error(`the rendered gateway files have no ${TUNNELS_UNIT}`);
  if (!files[KEEPALIVED_CONF])
    throw new Error(`the rendered gateway files have no ${KEEPALIVED_CONF}`);
  const exec = parseUnitExec(unit);
  if (exec.start.length === 0) throw new Error(`${TUNNELS_UNIT} has no ExecStart`);
  const gws = topology.gateways;
  const byName = <T extends string | number>(f: (g: (typeof gws)[number]) => T | undefined) =>
    gws.map((g): [string, T | string] => [g.name, f(g) ?? ""]);
  const tunnelOf = (g: (typeof gws)[number]) =>
    intent.tunnels.find((t) => t.remote === g.tunnelAddress)?.id;
  const extra = extraOneshotUnits(files).map((u) => parseUnitExec(files[u]).start.join(" && "));
  const services = longRunningUnits(files).map((u) => serviceCommand(files[u]));
  const mover = files[PATHS.routeMoverUnit];
  if (!mover) throw new Error(`the rendered gateway files have no ${PATHS.routeMoverUnit}`);
  const lines = [
    "# Generated by lab/guest-env.ts for one lab run.",
    `MODE=${q(topology.mode)}`,
    `export REGION=${q(topology.region)}`,
    `IFACE=${q(topology.interfaceName)}`,
    list(
      "GW_NAMES",
      gws.map((g) => g.name),
    ),
    assoc(
      "GW_IP",
      byName((g) => g.privateIp),
    ),
    assoc(
      "GW_PREFIX",
      byName((g) => g.prefix),
    ),
    assoc(
      "GW_ROUTER",
      byName((g) => g.router),
    ),
    assoc(
      "GW_V6",
      byName((g) => g.ipv6Address),
    ),
    assoc(
      "GW_TUNNEL_ADDR",
      byName((g) => g.tunnelAddress),
    ),
    assoc(
      "GW_MAC",
      byName((g) => g.mac),
    ),
    assoc(
      "GW_ENI",
      byName((g) => g.eni),
    ),
    assoc(
      "GW_INSTANCE",
      byName((g) => g.instanceId),
    ),
    assoc("RTX_TUNNEL_OF", byName(tunnelOf)),
    `VPC_HOST_IP=${q(topology.vpcHost.ip)} VPC_HOST_PREFIX=${topology.vpcHost.prefix}`,
    `VPC_HOST_ROUTER=${q(topology.vpcHost.router)} VPC_HOST_SUBNET=${q(topology.vpcHost.subnet)}`,
    `VPC_LINK_MTU=${topology.vpcLinkMtu} UPLINK_MTU=${topology.uplinkMtu} PATH_MTU=${topology.pathMtu}`,
    `ISATAP_ROUTER=${q(topology.isatapRouter ?? "")} ISATAP_ROUTER_V6=${q(topology.isatapRouterV6 ?? "")}`,
    `UPLINK_V4=${q(topology.uplinkV4)}`,
    `RTX_V6=${q(topology.rtx.ipv6Address)} RTX_LAN=${q(topology.rtx.lanAddress)} SITE_LAN_PREFIX=${topology.rtx.lanPrefix}`,
    `SITE_HOST_IP=${q(topology.siteHost)}`,
    list("SITE_CIDRS", topology.siteCidrs),
    list("VPC_CIDRS", topology.vpcCidrs),
    list("ROUTE_TABLE_IDS", topology.routeTableIds),
    `RTX_TUNNELS=${q(
      intent.tunnels
        .filter((t) => t.enabled)
        .map((t) => t.id)
        .join(" "),
    )}`,
    assoc(
      "RTX_TUN_REMOTE",
      intent.tunnels.map((t) => [t.id, t.remote]),
    ),
    assoc(
      "RTX_TUN_MTU",
      intent.tunnels.map((t) => [t.id, t.mtu ?? RTX_DEFAULT_TUNNEL_MTU]),
    ),
    assoc(
      "RTX_TUN_MSS_AUTO",
      intent.tunnels.map((t) => [t.id, t.mssAuto ? 1 : 0]),
    ),
    ...rtxKeepaliveLines(intent, topology),
    ...rtxRouteLines(intent),
    `RTX_DETECTION_MS=${site.rtx.keepaliveDetectionMs}`,
    `export BIND_DIRS=${q([...bindDirs(Object.keys(files)), ...RUNTIME_DIRS, ...PERSISTENT_DIRS].join(" "))}`,
    `RUNTIME_DIRS=${q(RUNTIME_DIRS.join(" "))}`,
    list("SERVICES", services),
    // the route mover's ExecReload (a re-assert now), its FIFO (there before keepalived starts)
    `MOVER_RELOAD=${q(reloadCommand(mover, `${RUN_DIR}/${LOCK_FILE_NAME}`))}`,
    `MOVER_FIFO=${q(`${RUN_DIR}/${VRRP_FIFO_NAME}`)} MOVER_LOCK=${q(`${RUN_DIR}/${LOCK_FILE_NAME}`)}`,
    `SYSCTL_FILES=${q(
      Object.keys(files)
        .filter((f) => f.startsWith("/etc/sysctl.d/"))
        .sort()
        .join(" "),
    )}`,
    `KEEPALIVED_CONF=${q(KEEPALIVED_CONF)}`,
    `EXEC_START=${q(exec.start.join(" && "))}`,
    `EXEC_STOP=${q(exec.stop.join(" && "))}`,
    list("EXTRA_ONESHOTS", extra),
    // keepalived's own unit is the OS's; the rendered drop-in adds what runs once it has started
    list(
      "KEEPALIVED_POST",
      files[KEEPALIVED_DROP_IN] ? parseUnitExec(files[KEEPALIVED_DROP_IN]).post : [],
    ),
    `IMDS_IP=${q(IMDS_IP)} EC2_ENDPOINT_IP=${q(topology.ec2Endpoint)} EC2_HOST=${q(ec2Hostname(topology.region))}`,
    `MONITORING_ENDPOINT_IP=${q(topology.monitoringEndpoint)}`,
    `STANDIN=${q(GUEST_STANDIN)} STANDIN_DIR=${q(STANDIN_DIR)}`,
    `VRRP_ADDR=${q(vrrpPlaceholder(files[KEEPALIVED_CONF]).address)} VRRP_LINK=${q(vrrpPlaceholder(files[KEEPALIVED_CONF]).link)}`,
    `SPLIT_TIMER_PERIOD_S=${SPLIT_TIMER_PERIOD_S} SPLIT_DURATION_S=${SPLIT_DURATION_S}`,
  ];
  return lines.join("\n") + "\n";
}

function rtxKeepaliveLines(intent: RtxIntent, topology: LabTopology): string[] {
  const ka = intent.keepalives;
  return [
    `RTX_KEEPALIVES=${q(ka.map((k) => k.id).join(" "))}`,
    assoc(
      "RTX_KA_INTERVAL",
      ka.map((k) => [k.id, k.intervalS]),
    ),
    assoc(
      "RTX_KA_COUNT",
      ka.map((k) => [k.id, k.count]),
    ),
    assoc(
      "RTX_KA_TARGET",
      ka.map((k) => [k.id, k.target]),
    ),
    assoc(
      "RTX_KA_LOCAL",
      ka.map((k) => [k.id, k.localAddress ?? topology.rtx.lanAddress]),
    ),
    assoc(
      "RTX_KA_UPWAIT",
      ka.map((k) => [k.id, k.upwaitS]),
    ),
    assoc(
      "RTX_KA_DOWNWAIT",
      ka.map((k) => [k.id, k.downwaitS]),
    ),
    `RTX_KA_BOUND_MS=${Math.max(0, ...ka.map(keepaliveDetectionBoundMs))}`,
  ];
}

/** Single-hop routes without keepalive are static; the others are failover routes. */
function rtxRouteLines(intent: RtxIntent): string[] {
  const isStatic = (r: RtxIntent["routes"][number]) =>
    r.hops.length === 1 && r.hops[0].keepalive === undefined;
  const statics = intent.routes.filter(isStatic);
  const failover = intent.routes.filter((r) => !isStatic(r));
  const hostRoute = (d: string) => (d.includes("/") ? d : `${d}/32`);
  return [
    list(
      "RTX_STATIC_ROUTES",
      statics.map((r) => `${hostRoute(r.destination)} ${r.hops[0].tunnel}`),
    ),
    list(
      "RTX_FO_DEST",
      failover.map((r) => hostRoute(r.destination)),
    ),
    list(
      "RTX_FO_HOPS",
      failover.map((r) =>
        r.hops.map((h) => `${h.tunnel}:${h.keepalive ?? ""}:${h.weight ?? 1}`).join(" "),
      ),
    ),
  ];
}
