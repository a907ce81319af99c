/**
 * Stale settings: lines of the previously applied list that the new list no longer has. An
 * apply that is told the previous list removes them after the new lines are in place, so a
 * changed list is an in-place update (no `remove` of the old list first, no outage).
 */
import { ConfigLine, contextLabel, indexByKey, isSecureFilter, makeLine } from "./model";
import { joinTokens } from "./normalize";
import { parseSecureFilter, SecureFilterList } from "./secure-filter";

/** Ids of the previous list that the new list (same interface and direction) no longer has. */
function droppedIds(previous: SecureFilterList, wanted: SecureFilterList): SecureFilterList {
  return {
    head: previous.head,
    staticIds: previous.staticIds.filter((id) => !wanted.staticIds.includes(id)),
    dynamicIds: previous.dynamicIds.filter((id) => !wanted.dynamicIds.includes(id)),
  };
}

/**
 * The secure filter line is never ours as a whole, only the ids we put in it: a same-key line
 * in the new list makes only the dropped ids stale (a changed filter id), stated as a line
 * that names just those ids; without a same-key line (another WAN interface) all our ids are.
 */
function staleSecureFilter(previous: ConfigLine, wanted: ConfigLine | undefined): ConfigLine[] {
  if (!wanted) return [previous];
  const dropped = droppedIds(parseSecureFilter(previous), parseSecureFilter(wanted));
  if (dropped.staticIds.length === 0 && dropped.dynamicIds.length === 0) return [];
  const dynamicPart = dropped.dynamicIds.length > 0 ? ["dynamic", ...dropped.dynamicIds] : [];
  return [makeLine(joinTokens([...dropped.head, ...dropped.staticIds, ...dynamicPart]), null)];
}

/** Previous lines whose setting (key) the desired list no longer sets, in previous order. */
export function staleLines(previous: ConfigLine[], desired: ConfigLine[]): ConfigLine[] {
  const desiredByKey = indexByKey(desired);
  return previous.flatMap((line) => {
    if (isSecureFilter(line)) return staleSecureFilter(line, desiredByKey.get(line.key));
    return desiredByKey.has(line.key) ? [] : [line];
  });
}

/**
 * The lines whose tunnel blocks count as ours when judging ownership: the desired lines, plus
 * the previous lines of blocks the desired list no longer uses (tunnel ids 1,2 -> 3,4: blocks 1
 * and 2 are still ours, so routes through them may be repointed and the blocks removed).
 */
export function ownedLines(desired: ConfigLine[], previous: ConfigLine[]): ConfigLine[] {
  const desiredContexts = new Set(desired.map((line) => contextLabel(line.context)));
  const retired = previous.filter(
    (line) => line.context && !desiredContexts.has(contextLabel(line.context)),
  );
  return [...desired, ...retired];
}

/** The router's configuration as it will be once the given lines are set (apply steps only set). */
export function projectConfig(
  current: ConfigLine[],
  set: { context: ConfigLine["context"]; line: string }[],
): ConfigLine[] {
  const byKey = indexByKey(current);
  for (const step of set) {
    const line = makeLine(step.line, step.context);
    byKey.set(line.key, line);
  }
  return [...byKey.values()];
}
