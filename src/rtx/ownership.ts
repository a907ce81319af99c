/**
 * Ownership rule: which router settings this stack may change or remove (docs/rtx.md).
 *
 * - A `tunnel select N` block is ours when its `description tunnel` is our marker
 *   (`vpc-ipip6-gateway:<site>:<gateway>`). Without any description it is ours only when every
 *   line in it is one of our lines verbatim (an interrupted earlier run). Any other block belongs
 *   to someone else, unless the run adopts it (never another stack's marked block).
 * - A global line with one of our keys (`ip keepalive N`, `ipv6 filter N`, `ip route NET`) that
 *   already says what we want needs no decision. One that says something else is ours only when
 *   the list applied last time (recorded in Pulumi's state) set exactly that line, or the run
 *   adopts it; otherwise it is a conflict. Nothing is inferred from what a line points at.
 * - `remove` takes a global line off only when it is exactly one of the listed lines.
 * - The secure filter list is never ours: we only add and remove our own ids in it.
 */
import { maskSecretParameters } from "./errors";
import { contextTarget, lineTarget } from "./adopt";
import { ConfigLine, Context, contextLabel } from "./model";

export interface Ownership {
  /** Tunnel contexts (`tunnel 1`) that are ours on the router now. */
  ourContexts: Set<string>;
  /** Why each foreign context is not ours, by context label. */
  foreignContexts: Map<string, string>;
}

export interface OwnershipOptions {
  /**
   * Whether the run may take over the setting an adopt target names (`tunnel:1`,
   * `keepalive:1`; see adopt.ts): an explicit choice of the user.
   */
  mayAdopt?: (target: string) => boolean;
}

export const MARKER_PREFIX = "vpc-ipip6-gateway";

/** The `description tunnel` that marks a tunnel block as this stack's. */
export function tunnelDescription(site: string, gateway: string): string {
  return `${MARKER_PREFIX}:${site}:${gateway}`;
}

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

/** Decides, for every context our lines use, whether the router's block is ours. */
export function judgeContexts(
  ours: ConfigLine[],
  current: ConfigLine[],
  options: OwnershipOptions = {},
): Ownership {
  const ourContexts = new Set<string>();
  const foreignContexts = new Map<string, string>();
  const labels = new Set(ours.filter((l) => l.context).map((l) => contextLabel(l.context)));
  for (const label of labels) {
    const want = ours.filter((l) => contextLabel(l.context) === label);
    const have = current.filter((l) => contextLabel(l.context) === label);
    const context = want.find((l) => l.context)?.context as Context;
    const adopt = options.mayAdopt?.(contextTarget(context)) === true;
    const verdict = judgeBlock(label, want, have, adopt);
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
  adopt: boolean,
): string | null | "absent" {
  if (have.length === 0) return "absent";
  const ourMarker = want.find(isDescription);
  const theirDescription = have.find(isDescription);
  if (theirDescription) {
    if (ourMarker && ourMarker.norm === theirDescription.norm) return null;
    const text = descriptionText(theirDescription);
    const anotherStack = text.toLowerCase().startsWith(MARKER_PREFIX);
    if (adopt && !anotherStack) return null;
    const whose = anotherStack ? "another vpc-ipip6-gateway stack" : "someone else";
    return `${label} is used by ${whose}: its description is "${text}"${describeBlock(have)}`;
  }
  const wanted = new Set(want.map((l) => l.norm));
  const strangers = have.filter((l) => !wanted.has(l.norm));
  if (strangers.length === 0 || adopt) return null;
  return (
    `${label} already exists without our "description tunnel ${MARKER_PREFIX}:..." marker` +
    `${describeBlock(have)} and holds ${strangers
      .slice(0, 3)
      .map((l) => `"${maskSecretParameters(l.text)}"`)
      .join(", ")}${strangers.length > 3 ? ` and ${strangers.length - 3} more line(s)` : ""}`
  );
}

export interface LineJudge {
  /** Whether an existing line that differs from ours may be replaced. */
  mayChange(existing: ConfigLine): boolean;
  /** Whether an existing line may be removed, given the listed line with its key. */
  mayRemove(existing: ConfigLine, listed: ConfigLine): boolean;
}

/**
 * The rule for single lines. `previous` is the list applied last time (empty when unknown):
 * a line it set verbatim is ours.
 */
export function lineJudge(
  ownership: Ownership,
  previous: ConfigLine[],
  options: OwnershipOptions = {},
): LineJudge {
  const setLastTime = new Set(previous.map((l) => l.norm));
  const inOurBlock = (line: ConfigLine) =>
    line.context !== null && ownership.ourContexts.has(contextLabel(line.context));
  return {
    mayChange: (existing) =>
      existing.context
        ? inOurBlock(existing)
        : setLastTime.has(existing.norm) || options.mayAdopt?.(lineTarget(existing)) === true,
    mayRemove: (existing, listed) =>
      existing.context ? inOurBlock(existing) : existing.norm === listed.norm,
  };
}

/** Where the stack chooses the id a conflicting line uses, for the way out. */
export function idSetting(line: ConfigLine): string {
  const t = line.tokens.map((x) => x.toLowerCase());
  if (line.context) return "rtx.tunnelIds";
  if (t[0] === "ip" && t[1] === "keepalive") return "rtx.keepaliveIds";
  if (t[0] === "ipv6" && t[1] === "filter") return "rtx.ipv6FilterId";
  if (t[1] === "route") return "vpc.cidrs or gateways[].privateIp";
  return "the stack";
}
