/**
 * Ownership rule: which existing router settings this stack may change or remove.
 *
 * - A `tunnel select N` block is ours when its `description tunnel` equals the marker line we
 *   render (`vpc-ipip6-gateway <site> <gateway>`). Without any description, it is adopted only
 *   when every line in it is one of our desired lines verbatim (an interrupted earlier run, or an
 *   identical hand-made setup). Any other block (another description, another stack's marker,
 *   foreign lines such as IPsec settings) belongs to someone else.
 * - `ip route NET` is ours when every gateway it names is `tunnel T` with T one of our tunnels.
 * - `ip keepalive N` is ours when it probes the same targets we want, or every target it probes
 *   is routed (`ip route TARGET`) only through our tunnels.
 * - `ipv6 filter N` is ours when every source address it passes is the remote endpoint of one of
 *   our tunnels (as the router has it now, or as we want it).
 * - A line that already equals the desired line needs no decision; anything else is foreign.
 * The secure filter list is never owned: we only add and remove our own ids in it.
 */
import { ConfigLine, contextLabel, Context } from "./model";

export interface Ownership {
  /** Tunnel contexts (`tunnel 1`) that are ours on the router now. */
  ourContexts: Set<string>;
  /** Why each foreign context is not ours, by context label. */
  foreignContexts: Map<string, string>;
}

const MARKER_PREFIX = "vpc-ipip6-gateway";

function isDescription(line: ConfigLine): boolean {
  return line.tokens[0]?.toLowerCase() === "description";
}

/** The value of a `description tunnel ...` line, parameters joined by spaces. */
function descriptionText(line: ConfigLine): string {
  return line.tokens.slice(2).join(" ");
}

function describeBlock(lines: ConfigLine[]): string {
  const endpoint = lines.find((l) => /^tunnel endpoint/i.test(l.text));
  const encapsulation = lines.find((l) => /^tunnel encapsulation/i.test(l.text));
  const parts = [endpoint?.text, encapsulation?.text].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/** Decides, for every context our desired lines use, whether the router's block is ours. */
export function judgeContexts(desired: ConfigLine[], current: ConfigLine[]): Ownership {
  const ourContexts = new Set<string>();
  const foreignContexts = new Map<string, string>();
  const labels = new Set(desired.filter((l) => l.context).map((l) => contextLabel(l.context)));
  for (const label of labels) {
    const want = desired.filter((l) => contextLabel(l.context) === label);
    const have = current.filter((l) => contextLabel(l.context) === label);
    const verdict = judgeBlock(label, want, have);
    if (verdict === null) ourContexts.add(label);
    else if (verdict !== "absent") foreignContexts.set(label, verdict);
  }
  return { ourContexts, foreignContexts };
}

/** null: ours; "absent": nothing there; otherwise the reason it belongs to someone else. */
function judgeBlock(
  label: string,
  want: ConfigLine[],
  have: ConfigLine[],
): string | null | "absent" {
  if (have.length === 0) return "absent";
  const ourMarker = want.find(isDescription);
  const theirDescription = have.find(isDescription);
  if (theirDescription) {
    if (ourMarker && ourMarker.norm === theirDescription.norm) return null;
    const text = descriptionText(theirDescription);
    const whose = text.toLowerCase().startsWith(MARKER_PREFIX)
      ? "another vpc-ipip6-gateway stack"
      : "someone else";
    return `${label} is used by ${whose}: its description is "${text}"${describeBlock(have)}`;
  }
  const wanted = new Set(want.map((l) => l.norm));
  const strangers = have.filter((l) => !wanted.has(l.norm));
  if (strangers.length === 0) return null;
  return (
    `${label} already exists without our "description tunnel ${MARKER_PREFIX} ..." marker` +
    `${describeBlock(have)} and holds ${strangers.map((l) => `"${l.text}"`).join(", ")}`
  );
}

function tunnelContextOf(tokens: string[], index: number): Context | null {
  if (tokens[index]?.toLowerCase() !== "tunnel" || !/^\d+$/.test(tokens[index + 1] ?? ""))
    return null;
  return { kind: "tunnel", id: tokens[index + 1] };
}

/** The gateways of an `ip route` line, each as the tokens following a `gateway` keyword. */
function routeGateways(line: ConfigLine): string[][] {
  const gateways: string[][] = [];
  line.tokens.forEach((t, i) => {
    if (t.toLowerCase() === "gateway") gateways.push(line.tokens.slice(i + 1));
  });
  return gateways;
}

function routeIsOurs(line: ConfigLine, ours: Set<string>): boolean {
  const gateways = routeGateways(line);
  return (
    gateways.length > 0 &&
    gateways.every((g) => {
      const context = tunnelContextOf(g, 0);
      return context !== null && ours.has(contextLabel(context));
    })
  );
}

/** Targets probed by `ip keepalive N icmp-echo INTERVAL COUNT TARGET... [opt=val...]`. */
function keepaliveTargets(line: ConfigLine): string[] {
  return line.tokens.slice(6).filter((t) => !t.includes("="));
}

function keepaliveIsOurs(
  line: ConfigLine,
  wanted: ConfigLine,
  current: Map<string, ConfigLine>,
  ours: Set<string>,
) {
  const targets = keepaliveTargets(line);
  const sameTargets = targets.join(" ") === keepaliveTargets(wanted).join(" ");
  if (sameTargets) return true;
  return (
    targets.length > 0 &&
    targets.every((t) => {
      const route = current.get(`|ip route ${t}`);
      return route !== undefined && routeIsOurs(route, ours);
    })
  );
}

function filterSources(line: ConfigLine): string[] {
  return (line.norm.split("|")[1].split(" ")[4] ?? "").split(",").filter(Boolean);
}

/** Remote endpoints (last address of `tunnel endpoint address`) of our tunnels, normalised. */
function ourEndpoints(lines: ConfigLine[], ours: Set<string>): Set<string> {
  const endpoints = new Set<string>();
  for (const line of lines) {
    if (!ours.has(contextLabel(line.context))) continue;
    const words = line.norm.split("|")[1].split(" ");
    if (words[0] === "tunnel" && words[1] === "endpoint" && words[2] === "address") {
      endpoints.add(words[words.length - 1]);
    }
  }
  return endpoints;
}

export interface LineJudge {
  /** Whether an existing top-level line that differs from the desired one may be replaced/removed. */
  mayChange(existing: ConfigLine, wanted: ConfigLine): boolean;
}

export function lineJudge(
  desired: ConfigLine[],
  current: ConfigLine[],
  ownership: Ownership,
): LineJudge {
  const byKey = new Map(current.map((l) => [l.key, l]));
  const endpoints = new Set([
    ...ourEndpoints(current, ownership.ourContexts),
    ...ourEndpoints(desired, new Set(desired.map((l) => contextLabel(l.context)))),
  ]);
  return {
    mayChange(existing, wanted) {
      if (existing.context) return ownership.ourContexts.has(contextLabel(existing.context));
      const words = existing.norm.split("|")[1].split(" ");
      if ((words[0] === "ip" || words[0] === "ipv6") && words[1] === "route") {
        return routeIsOurs(existing, ownership.ourContexts);
      }
      if (words[0] === "ip" && words[1] === "keepalive") {
        return keepaliveIsOurs(existing, wanted, byKey, ownership.ourContexts);
      }
      if (words[0] === "ipv6" && words[1] === "filter") {
        const sources = filterSources(existing);
        return sources.length > 0 && sources.every((s) => endpoints.has(s));
      }
      return false;
    },
  };
}
