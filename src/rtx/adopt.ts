/**
 * What `--adopt` may take over (docs/rtx.md "Adopting settings"). A setting with one of our ids
 * is named `tunnel:N`, `keepalive:N`, `filter:N` or `route:NET`. `--adopt` alone (stack:
 * `rtx.adopt: true`) takes over such settings only when nothing else in the user's
 * configuration refers to them; a list (`--adopt keepalive:1,tunnel:2`, stack: `rtx.adopt:
 * ["keepalive:1", "tunnel:2"]`) takes over exactly the settings it names, dependents or not,
 * and nothing else.
 */
import { ConfigLine, Context, contextLabel } from "./model";

/** true: every setting without dependents; a list: exactly these; false/absent: none. */
export type AdoptSpec = boolean | readonly string[];

const TARGET = /^(tunnel|keepalive|filter):\d+$|^route:[0-9a-fA-F.:/]+$|^route:default$/;

/** The adopt targets of `--adopt a,b` / `rtx.adopt`, or the first entry that is not one. */
export function parseAdoptList(items: readonly string[]): string[] | { invalid: string } {
  for (const item of items) if (!TARGET.test(item)) return { invalid: item };
  return [...items];
}

export const ADOPT_TARGET_FORM = "tunnel:N, keepalive:N, filter:N or route:NETWORK";

/** The target naming a tunnel block (`tunnel 1` → `tunnel:1`). */
export function contextTarget(context: Context): string {
  return `${context.kind}:${context.id}`;
}

/** The target naming a global setting, e.g. `ip keepalive 1 ...` → `keepalive:1`. */
export function lineTarget(line: ConfigLine): string {
  if (line.context) return contextTarget(line.context);
  const t = line.tokens.map((x) => x.toLowerCase());
  if (t[0] === "ip" && t[1] === "keepalive") return `keepalive:${t[2]}`;
  if (t[0] === "ipv6" && t[1] === "filter") return `filter:${t[2]}`;
  if (t[1] === "route") return `route:${t[2]}`;
  return t.join(" ");
}

function hasPair(line: ConfigLine, word: string, id: string): boolean {
  const t = line.tokens.map((x) => x.toLowerCase());
  return t.some((x, i) => x === word && t[i + 1] === id);
}

/** ids in `ipv6 ... secure filter in|out` lists, static and dynamic. */
function listsIpv6Filter(line: ConfigLine, id: string): boolean {
  const t = line.tokens.map((x) => x.toLowerCase());
  const isList = t[0] === "ipv6" && t[2] === "secure" && t[3] === "filter";
  return isList && t.slice(5).includes(id);
}

/**
 * The user's lines that refer to a target: routes through `tunnel N` or watched by
 * `keepalive N`, secure filter lists holding filter N. The target's own lines are not counted.
 */
export function dependentsOf(target: string, current: ConfigLine[]): ConfigLine[] {
  const [kind, id] = [target.slice(0, target.indexOf(":")), target.slice(target.indexOf(":") + 1)];
  const outside = (l: ConfigLine) => contextLabel(l.context) !== `${kind} ${id}`;
  if (kind === "tunnel")
    return current.filter((l) => outside(l) && hasPair(l, "tunnel", id) && !isOwnLine(l, kind));
  if (kind === "keepalive")
    return current.filter((l) => hasPair(l, "keepalive", id) && !isOwnLine(l, kind));
  if (kind === "filter") return current.filter((l) => listsIpv6Filter(l, id));
  return [];
}

function isOwnLine(line: ConfigLine, kind: string): boolean {
  const t = line.tokens.map((x) => x.toLowerCase());
  if (kind === "keepalive") return t[0] === "ip" && t[1] === "keepalive";
  return t[0] === "tunnel" && (t[1] === "select" || t[1] === "enable");
}

export interface AdoptDecision {
  allowed: boolean;
  /** Why adopting is refused (only when the run asked to adopt). */
  why?: string;
}

/**
 * Decides, per target, whether this run may take the setting over. Lines that read exactly as
 * one of `ours` (the desired list) are ours and do not count as the user's dependents.
 */
export function adoptPolicy(
  spec: AdoptSpec | undefined,
  current: ConfigLine[],
  ours: ConfigLine[] = [],
) {
  const own = new Set(ours.map((l) => l.norm));
  return (target: string): AdoptDecision => {
    if (spec === undefined || spec === false) return { allowed: false };
    if (spec !== true) {
      return spec.includes(target)
        ? { allowed: true }
        : { allowed: false, why: `${target} is not in the adopt list (${spec.join(",")})` };
    }
    const dependents = dependentsOf(target, current).filter((l) => !own.has(l.norm));
    if (dependents.length === 0) return { allowed: true };
    const refs = dependents.map((l) => `"${l.text}"`).join(", ");
    return {
      allowed: false,
      why:
        `--adopt takes over only settings nothing else refers to, and ${refs} refer(s) to ` +
        `${target}; to take it over anyway name it: --adopt ${target} (rtx.adopt: ["${target}"])`,
    };
  };
}
