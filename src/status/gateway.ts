/**
 * A gateway's state, read over SSH with one read-only script (no sudo, nothing written): the
 * prober's status file (docs/gateway-prober.md), whether keepalived runs, whether the VRRP
 * placeholder address sits on the vrrp link (keepalived adds it only on the master), and the
 * VRRP transitions the notify hook records (docs/operations.md).
 */
import { LINKS, PATHS, UNITS } from "../gateway/paths";
import { STATUS_FILE_NAME } from "../gateway/prober";
import { VRRP_STATE_FILE_NAME } from "../gateway/vrrp-state";
import { GatewayState, Transition, TunnelHealth, VrrpState } from "./types";

/** The script sent on stdin of `bash -s`: every section starts with a "@@name" line. */
export const GATEWAY_READ_SCRIPT = [
  'printf "@@now %s\\n" "$EPOCHREALTIME"',
  `printf "@@keepalived %s\\n" "$(systemctl is-active ${UNITS.keepalived} 2>/dev/null)"`,
  'echo "@@vrrp-link"',
  `ip -4 -o addr show dev ${LINKS.vrrp} 2>&1`,
  'echo "@@prober"',
  `cat ${PATHS.proberStateDir}/${STATUS_FILE_NAME} 2>/dev/null`,
  'echo "@@vrrp"',
  `cat ${PATHS.proberStateDir}/${VRRP_STATE_FILE_NAME} 2>/dev/null`,
  'echo "@@end"',
  "",
].join("\n");

export class GatewayReadError extends Error {}

/** Splits the script's output into its sections. */
function sections(output: string): Map<string, string> {
  const found = new Map<string, string>();
  let name: string | null = null;
  let body: string[] = [];
  for (const line of output.split("\n")) {
    const header = /^@@([a-z-]+)(?: (.*))?$/.exec(line);
    if (header) {
      if (name) found.set(name, body.join("\n"));
      name = header[1];
      body = header[2] !== undefined ? [header[2]] : [];
    } else if (name) body.push(line);
  }
  if (name) found.set(name, body.join("\n"));
  return found;
}

function parseJson(text: string, what: string): Record<string, unknown> | undefined {
  if (text.trim() === "") return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // fall through: reported below
  }
  throw new GatewayReadError(`${what} is not a JSON object`);
}

function transitionsOf(value: unknown): Transition[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((t): t is Record<string, unknown> => !!t && typeof t === "object")
    .map((t) => ({
      at: Number(t.at),
      from: String(t.from),
      to: String(t.to),
      reason: String(t.reason ?? ""),
    }));
}

function tunnelOf(status: Record<string, unknown> | undefined): TunnelHealth | undefined {
  if (!status) return undefined;
  if (status.version !== 1) throw new GatewayReadError("the prober's status file is not version 1");
  const window = (status.window ?? {}) as Record<string, unknown>;
  const rtt = window.rttMs as TunnelHealth["rttMs"];
  return {
    state: status.state === "up" ? "up" : "down",
    since: Number(status.since),
    updatedAt: Number(status.updatedAt),
    lossPercent: Number(window.lossPercent),
    probes: Number(window.probes),
    rttMs: rtt && typeof rtt === "object" ? rtt : null,
    transitions: transitionsOf(status.transitions),
  };
}

const VRRP_STATES: VrrpState[] = ["MASTER", "BACKUP", "FAULT", "STOP"];

/**
 * The VRRP state: STOP when keepalived does not run; MASTER when the placeholder is on the vrrp
 * link (what the route mover itself checks); otherwise what the notify hook last recorded, or,
 * without it, what keepalived.conf implies: a tunnel judged down is FAULT (track file), else BACKUP.
 */
export function vrrpStateOf(
  keepalivedActive: boolean,
  holdsPlaceholder: boolean,
  recorded: string | undefined,
  tunnel: TunnelHealth | undefined,
): VrrpState {
  if (!keepalivedActive) return "STOP";
  if (holdsPlaceholder) return "MASTER";
  if (recorded === "BACKUP" || recorded === "FAULT") return recorded;
  if (!tunnel) return "unknown";
  return tunnel.state === "down" ? "FAULT" : "BACKUP";
}

/** Parses what GATEWAY_READ_SCRIPT printed; `placeholder` is the site's VRRP placeholder address. */
export function parseGatewayRead(output: string, placeholder: string): GatewayState {
  const s = sections(output);
  if (!s.has("end")) throw new GatewayReadError("the gateway's answer ended early");
  const keepalivedActive = (s.get("keepalived") ?? "").trim() === "active";
  const link = s.get("vrrp-link") ?? "";
  const holdsPlaceholder = new RegExp(`\\sinet ${placeholder.replace(/\./g, "\\.")}/`).test(link);
  const tunnel = tunnelOf(parseJson(s.get("prober") ?? "", "the prober's status file"));
  const vrrp = parseJson(s.get("vrrp") ?? "", "the VRRP state file");
  const recorded =
    vrrp && VRRP_STATES.includes(vrrp.state as VrrpState) ? String(vrrp.state) : undefined;
  return {
    keepalivedActive,
    holdsPlaceholder,
    vrrp: vrrpStateOf(keepalivedActive, holdsPlaceholder, recorded, tunnel),
    vrrpTransitions: transitionsOf(vrrp?.transitions),
    ...(tunnel ? { tunnel } : {}),
    now: Number((s.get("now") ?? "").trim()),
  };
}
