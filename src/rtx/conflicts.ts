/**
 * An id our list wants that the router already uses for something else: which stack key
 * chooses it, and the smallest id free on the router (within the model's range) to use instead,
 * so every refusal says what to change (docs/rtx.md "Id conflicts").
 */
import { MAX_IPV6_FILTER_ID, UNKNOWN_MODEL_LIMITS } from "../config/rtx-models";
import { ConfigLine } from "./model";

export type IdKind = "tunnel" | "keepalive" | "filter";

export interface IdConflict {
  kind: IdKind | "route";
  /** The id (or route network) that clashes. */
  id: string;
  /** What is on the router and why it is not ours. */
  reason: string;
}

export interface IdLimits {
  maxTunnel: number;
  maxKeepalive: number;
}

export const STACK_KEY: Record<IdConflict["kind"], string> = {
  tunnel: "rtx.tunnelIds",
  keepalive: "rtx.keepaliveIds",
  filter: "rtx.ipv6FilterId",
  route: "vpc.cidrs or gateways[].privateIp",
};

function numbersAfter(line: ConfigLine, word: string): string[] {
  const t = line.tokens.map((x) => x.toLowerCase());
  return t.flatMap((x, i) => (x === word && /^\d+$/.test(t[i + 1] ?? "") ? [t[i + 1]] : []));
}

/** Every id of a kind the router's configuration defines or refers to. */
export function usedIds(kind: IdKind, current: ConfigLine[]): Set<number> {
  const used = new Set<number>();
  for (const line of current) {
    const t = line.tokens.map((x) => x.toLowerCase());
    if (kind === "tunnel") {
      if (line.context?.kind === "tunnel") used.add(Number(line.context.id));
      numbersAfter(line, "tunnel").forEach((id) => used.add(Number(id)));
    } else if (kind === "keepalive") {
      numbersAfter(line, "keepalive").forEach((id) => used.add(Number(id)));
    } else if (t[0] === "ipv6" && t[1] === "filter") {
      const id = t[2] === "dynamic" ? t[3] : t[2];
      if (/^\d+$/.test(id ?? "")) used.add(Number(id));
    } else if (t[0] === "ipv6" && t[2] === "secure" && t[3] === "filter") {
      t.slice(5).forEach((id) => /^\d+$/.test(id) && used.add(Number(id)));
    }
  }
  return used;
}

function maxOf(kind: IdKind, limits: IdLimits): number {
  if (kind === "tunnel") return limits.maxTunnel;
  if (kind === "keepalive") return limits.maxKeepalive;
  return MAX_IPV6_FILTER_ID;
}

/** The smallest ids in 1..max that the router does not use and `taken` does not hold. */
export function freeIds(
  kind: IdKind,
  current: ConfigLine[],
  taken: Set<number>,
  count: number,
  limits: IdLimits = UNKNOWN_MODEL_LIMITS,
): number[] {
  const used = usedIds(kind, current);
  const free: number[] = [];
  for (let id = 1; id <= maxOf(kind, limits) && free.length < count; id++) {
    if (!used.has(id) && !taken.has(id)) free.push(id);
  }
  return free;
}

/**
 * The value to give the key instead: `wanted` (the ids our list uses, in stack order) with each
 * clashing id replaced by a free one. Undefined when the model's range has no free id left.
 */
export function suggestIds(
  kind: IdKind,
  wanted: string[],
  clashing: Set<string>,
  current: ConfigLine[],
  limits?: IdLimits,
): number[] | undefined {
  const keep = new Set(wanted.filter((id) => !clashing.has(id)).map(Number));
  const free = freeIds(kind, current, keep, clashing.size, limits);
  if (free.length < clashing.size) return undefined;
  let next = 0;
  return wanted.map((id) => (clashing.has(id) ? free[next++] : Number(id)));
}

/** The ids our desired list uses, per kind, in the order the stack gives them. */
export function wantedIds(desired: ConfigLine[]): Record<IdKind, string[]> {
  const unique = (ids: string[]) => [...new Set(ids)];
  const t = (l: ConfigLine) => l.tokens.map((x) => x.toLowerCase());
  return {
    tunnel: unique(desired.flatMap((l) => (l.context?.kind === "tunnel" ? [l.context.id] : []))),
    keepalive: unique(
      desired.flatMap((l) => (t(l)[0] === "ip" && t(l)[1] === "keepalive" ? [t(l)[2]] : [])),
    ),
    filter: unique(
      desired.flatMap((l) =>
        t(l)[0] === "ipv6" && t(l)[1] === "filter" && t(l)[2] !== "dynamic" ? [t(l)[2]] : [],
      ),
    ),
  };
}

/** One line per conflict: the key first, what clashes, and the value to use instead. */
export function describeConflicts(
  conflicts: IdConflict[],
  desired: ConfigLine[],
  current: ConfigLine[],
  limits?: IdLimits,
): string[] {
  const wanted = wantedIds(desired);
  const suggestion = (kind: IdKind): string => {
    const clashing = new Set(conflicts.filter((c) => c.kind === kind).map((c) => c.id));
    const ids = suggestIds(kind, wanted[kind], clashing, current, limits);
    if (!ids) return `no ${kind} id is free in the model's range`;
    const value = kind === "filter" ? String(ids[0]) : `[${ids.join(", ")}]`;
    const free = ids.filter((id) => !wanted[kind].includes(String(id)));
    return `use a free ${kind} id: ${free.join(", ")} (${STACK_KEY[kind]}: ${value})`;
  };
  return conflicts.map((c) => {
    const way =
      c.kind === "route" ? "change the network or the gateway address" : suggestion(c.kind);
    return `${STACK_KEY[c.kind]}: ${c.reason}; ${way}`;
  });
}
