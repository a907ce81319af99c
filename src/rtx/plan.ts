/**
 * Plans what to send: given the desired lines and the router's `show config`, the exact lines
 * (with their `tunnel select` context) and, for each, the line that undoes it. Every refusal
 * (a setting that is not ours, a line that could not be read whole, a list that would grow past
 * the router's limit) happens here, before anything is sent.
 */
import { AdoptSpec, adoptPolicy, contextTarget, dependentsOf, lineTarget } from "./adopt";
import { describeConflicts, IdConflict, IdLimits } from "./conflicts";
import { OwnershipConflictError, UnsafeConfigError } from "./errors";
import {
  ConfigLine,
  contextLabel,
  indexByKey,
  isSecureFilter,
  makeLine,
  mayBeHiddenDefault,
  parseCommandList,
  removalLine,
  removalRank,
} from "./model";
import { judgeContexts, lineJudge, LineJudge, Ownership } from "./ownership";
import { ownedLines, projectConfig, staleLines } from "./stale";
import {
  containsOurIds,
  entryCount,
  isEmptyList,
  listName,
  MAX_SECURE_FILTER_ENTRIES,
  mergeOurIds,
  parseSecureFilter,
  rejectAllIds,
  renderSecureFilter,
  sharesAnyId,
  withoutOurIds,
} from "./secure-filter";
import { ContextLine, renderWithContexts, Step } from "./wire";

/** What a run did (or would do) to a secure filter list, for the summary. */
export interface SecureFilterOutcome {
  /** The list, e.g. `ipv6 lan2 secure filter in`. */
  list: string;
  outcome: "merged" | "present" | "no-list" | "removed" | "list-removed" | "absent";
  /** Entries (static and dynamic) in the list once the run is done. */
  entries: number;
  note: string;
}

export interface Plan {
  /** Lines that set the desired list (apply) or take it off (remove). */
  steps: Step[];
  /**
   * Apply with a previous list: removals of the previous list's settings that the desired list
   * dropped, to send after `steps` (new lines first, then the old ones out).
   */
  stale: Step[];
  /** Desired lines the router already has (apply) or no longer has (remove). */
  unchanged: number;
  /** Settings left alone because they are not ours (remove, or stale on apply), with the reason. */
  skipped: string[];
  secureFilter: SecureFilterOutcome[];
}

export interface ApplyOptions {
  /** The list applied last time (Pulumi's state): lines it set verbatim are ours. */
  previous?: string[];
  /** Take over settings with our ids that we did not set (see adopt.ts). */
  adopt?: AdoptSpec;
  /** The model's id ranges, for the free ids a conflict suggests (default: the widest). */
  limits?: IdLimits;
}

function removal(line: ConfigLine): ContextLine {
  return { context: line.context, line: removalLine(line) };
}

function restore(line: ConfigLine): ContextLine {
  return { context: line.context, line: line.text };
}

/**
 * Refuses, before anything is sent, to rewrite or judge a line that was not read whole. A line
 * that reads exactly as the one we expect there is proven by that match.
 */
function requireWhole(existing: ConfigLine | undefined, expected: ConfigLine): void {
  if (!existing?.doubt || existing.norm === expected.norm) return;
  throw new UnsafeConfigError(
    `cannot read "${existing.text}" whole from "show config" (${existing.doubt}); ` +
      "this run would compare or rewrite that setting, so nothing was changed. " +
      "Check the line on the router's console and run again",
  );
}

interface SecureFilterPlan {
  step: Step | null;
  outcome: SecureFilterOutcome;
}

function secureFilterForApply(
  wanted: ConfigLine,
  existing: ConfigLine | undefined,
  current: ConfigLine[],
): SecureFilterPlan {
  const ours = parseSecureFilter(wanted);
  const list = listName(ours);
  if (!existing) {
    const note =
      `the router has no "${list}" list, so that interface filters nothing and protocol 4 ` +
      "already passes; a new list would drop everything it does not pass (ND, DHCPv6, a " +
      "DS-Lite AFTR's protocol 4), so none was created";
    return { step: null, outcome: { list, outcome: "no-list", entries: 0, note } };
  }
  const have = parseSecureFilter(existing);
  if (containsOurIds(have, ours)) {
    const note = `our id(s) ${ours.staticIds.join(" ")} already in the list`;
    return { step: null, outcome: { list, outcome: "present", entries: entryCount(have), note } };
  }
  const merged = mergeOurIds(have, ours, rejectAllIds(current, have));
  if (entryCount(merged) > MAX_SECURE_FILTER_ENTRIES) {
    throw new UnsafeConfigError(
      `adding our id to "${list}" would make ${entryCount(merged)} entries, more than the ` +
        `${MAX_SECURE_FILTER_ENTRIES} the router takes in one list; nothing was changed`,
    );
  }
  const at = merged.staticIds.indexOf(ours.staticIds[0]);
  const where =
    at + 1 < merged.staticIds.length
      ? `before ${merged.staticIds[at + 1]}`
      : "last of the static ids";
  const note = `our id ${ours.staticIds.join(" ")} put ${where}; the user's ${entryCount(have)} entries kept in order`;
  return {
    step: { context: null, line: renderSecureFilter(merged), undo: restore(existing) },
    outcome: { list, outcome: "merged", entries: entryCount(merged), note },
  };
}

function secureFilterForRemove(
  wanted: ConfigLine,
  existing: ConfigLine | undefined,
): SecureFilterPlan {
  const ours = parseSecureFilter(wanted);
  const list = listName(ours);
  const have = existing ? parseSecureFilter(existing) : null;
  if (!existing || !have || !sharesAnyId(have, ours)) {
    const note = `none of our ids is in a "${list}" list`;
    return {
      step: null,
      outcome: { list, outcome: "absent", entries: have ? entryCount(have) : 0, note },
    };
  }
  const rest = withoutOurIds(have, ours);
  const emptied = isEmptyList(rest);
  const step = {
    context: null,
    line: emptied ? removalLine(existing) : renderSecureFilter(rest),
    undo: restore(existing),
  };
  const note = emptied
    ? "our id was the only entry, so the line was removed"
    : `our id(s) taken out; the user's ${entryCount(rest)} entries kept in order`;
  return {
    step,
    outcome: {
      list,
      outcome: emptied ? "list-removed" : "removed",
      entries: entryCount(rest),
      note,
    },
  };
}

/** Foreign blocks among those the given lines use (a retired block may be foreign: not a conflict). */
function foreignAmong(ownership: Ownership, lines: ConfigLine[]): string[] {
  const labels = new Set(lines.map((l) => contextLabel(l.context)));
  return [...ownership.foreignContexts]
    .filter(([label]) => labels.has(label))
    .map(([, why]) => why);
}

type Decide = ReturnType<typeof adoptPolicy>;

/** What a refused adopt adds to a conflict's reason. */
function adoptNote(decide: Decide, target: string, adopting: boolean): string {
  const why = decide(target).why;
  if (why) return ` (${why})`;
  return adopting ? "" : ` (or adopt it explicitly: --adopt ${target}, stack setting rtx.adopt)`;
}

/** Foreign tunnel blocks our list uses, as id conflicts. */
function contextConflicts(
  ownership: Ownership,
  desired: ConfigLine[],
  decide: Decide,
  adopting: boolean,
): IdConflict[] {
  const contexts = new Map(
    desired.filter((l) => l.context).map((l) => [contextLabel(l.context), l.context]),
  );
  return [...ownership.foreignContexts].flatMap(([label, why]) => {
    const context = contexts.get(label);
    if (!context) return [];
    const target = contextTarget(context);
    const note = why.includes("another vpc-ipip6-gateway stack")
      ? ""
      : adoptNote(decide, target, adopting);
    return [{ kind: "tunnel" as const, id: context.id, reason: `${why}${note}` }];
  });
}

function conflictKind(line: ConfigLine): IdConflict["kind"] {
  const target = lineTarget(line);
  const kind = target.slice(0, target.indexOf(":"));
  return kind === "keepalive" || kind === "filter" || kind === "tunnel" ? kind : "route";
}

function lineConflict(
  existing: ConfigLine,
  wanted: ConfigLine,
  decide: Decide,
  adopting: boolean,
): IdConflict {
  const target = lineTarget(existing);
  return {
    kind: conflictKind(existing),
    id: target.slice(target.indexOf(":") + 1),
    reason:
      `"${existing.text}" is on the router and is not ours (we would set "${wanted.text}"; ` +
      `the list applied last time did not set it)${adoptNote(decide, target, adopting)}`,
  };
}

/**
 * Our `ipv6 filter N` where a user's secure filter list already holds N and the router's filter
 * N is not ours: a filter the list refers to but that does not exist, or the list's own
 * reject-all. Taking either over would change what the user's list does; never adopted.
 */
function filterListConflict(
  wanted: ConfigLine,
  existing: ConfigLine | undefined,
  current: ConfigLine[],
): IdConflict | null {
  const target = lineTarget(wanted);
  if (!target.startsWith("filter:") || existing?.norm === wanted.norm) return null;
  const lists = dependentsOf(target, current);
  if (lists.length === 0) return null;
  const id = target.slice("filter:".length);
  const where = lists.map((l) => `"${l.text}"`).join(", ");
  if (!existing)
    return {
      kind: "filter",
      id,
      reason: `the user's list ${where} already holds ${id}, and no "ipv6 filter ${id}" exists (cannot be adopted)`,
    };
  const family = parseSecureFilter(lists[0]);
  if (!rejectAllIds(current, family).has(id)) return null;
  return {
    kind: "filter",
    id,
    reason: `"${existing.text}" is the reject-all entry of the user's list ${where} (cannot be adopted)`,
  };
}

/**
 * Lines to send so the router has every desired line, then (given the previously applied list)
 * lines that take out what the previous list set and the desired one dropped. Throws
 * OwnershipConflictError or UnsafeConfigError before anything is sent.
 */
export function planApply(
  desiredCommands: string[],
  current: ConfigLine[],
  options: ApplyOptions = {},
): Plan {
  const desired = parseCommandList(desiredCommands);
  const previous = parseCommandList(options.previous ?? []);
  const owned = ownedLines(desired, previous);
  const decide = adoptPolicy(options.adopt, current, desired);
  const mayAdopt = (target: string) => decide(target).allowed;
  const adopting = options.adopt !== undefined && options.adopt !== false;
  const ownership = judgeContexts(owned, current, { mayAdopt });
  const judge = lineJudge(ownership, previous, { mayAdopt });
  const byKey = indexByKey(current);
  const conflicts = contextConflicts(ownership, desired, decide, adopting);
  const steps: Step[] = [];
  const secureFilter: SecureFilterOutcome[] = [];
  let unchanged = 0;
  for (const wanted of desired) {
    const existing = byKey.get(wanted.key);
    requireWhole(existing, wanted);
    if (isSecureFilter(wanted)) {
      const plan = secureFilterForApply(wanted, existing, current);
      secureFilter.push(plan.outcome);
      if (plan.step) steps.push(plan.step);
      else unchanged++;
      continue;
    }
    const listed = filterListConflict(wanted, existing, current);
    if (listed) {
      conflicts.push(listed);
      continue;
    }
    if (existing && existing.norm === wanted.norm) {
      unchanged++;
      continue;
    }
    if (ownership.foreignContexts.has(contextLabel(wanted.context))) continue;
    if (existing && !judge.mayChange(existing)) {
      conflicts.push(lineConflict(existing, wanted, decide, adopting));
      continue;
    }
    const undo = existing ? restore(existing) : removal(wanted);
    steps.push({ context: wanted.context, line: wanted.text, undo });
  }
  if (conflicts.length > 0)
    throw new OwnershipConflictError(
      describeConflicts(conflicts, desired, current, options.limits),
    );
  const needed = withoutLoneHiddenDefaults(steps, byKey);
  const staleTargets = staleLines(previous, desired);
  const stale = removalPlan(staleTargets, projectConfig(current, needed), ownership, judge);
  return {
    steps: needed,
    stale: stale.steps,
    unchanged: unchanged + steps.length - needed.length,
    skipped: stale.skipped,
    secureFilter: [...secureFilter, ...stale.secureFilter.filter((o) => o.outcome !== "absent")],
  };
}

/**
 * Drops a missing firmware-default line when nothing else in its block is being sent: the router
 * most likely has it and hides it (see mayBeHiddenDefault). With its block it is always sent, so
 * a new tunnel gets it on every firmware.
 */
function withoutLoneHiddenDefaults(steps: Step[], current: Map<string, ConfigLine>): Step[] {
  const isLoneDefault = (step: Step) => {
    const line = makeLine(step.line, step.context);
    if (!mayBeHiddenDefault(line) || current.has(line.key)) return false;
    const label = contextLabel(step.context);
    return !steps.some((other) => other !== step && contextLabel(other.context) === label);
  };
  return steps.filter((step) => !isLoneDefault(step));
}

/** Orders removal: routes, keepalives, tunnel blocks (`tunnel enable` first), secure filter, filters. */
function removalOrder(desired: ConfigLine[]): ConfigLine[] {
  const indexed = desired.map((line, index) => ({ line, index }));
  const isEnable = (l: ConfigLine) => /^tunnel\s+enable\b/i.test(l.text);
  indexed.sort((a, b) => {
    const rank = removalRank(a.line) - removalRank(b.line);
    if (rank !== 0) return rank;
    const enable = Number(isEnable(b.line)) - Number(isEnable(a.line));
    if (enable !== 0 && contextLabel(a.line.context) === contextLabel(b.line.context))
      return enable;
    if (
      a.line.context &&
      b.line.context &&
      contextLabel(a.line.context) !== contextLabel(b.line.context)
    ) {
      return a.index - b.index;
    }
    return b.index - a.index;
  });
  return indexed.map((x) => x.line);
}

/** Lines that take every listed setting that is ours off the router, leaving the rest. */
export function planRemove(commands: string[], current: ConfigLine[]): Plan {
  const listed = parseCommandList(commands);
  const ownership = judgeContexts(listed, current);
  return { ...removalPlan(listed, current, ownership, lineJudge(ownership, listed)), stale: [] };
}

/** Lines that take the target settings off the router where they are ours, in a safe order. */
function removalPlan(
  targets: ConfigLine[],
  current: ConfigLine[],
  ownership: Ownership,
  judge: LineJudge,
): Omit<Plan, "stale"> {
  const byKey = indexByKey(current);
  const steps: Step[] = [];
  const secureFilter: SecureFilterOutcome[] = [];
  const skipped = foreignAmong(ownership, targets).map((why) => `left alone: ${why}`);
  let unchanged = 0;
  for (const listed of removalOrder(targets)) {
    if (ownership.foreignContexts.has(contextLabel(listed.context))) continue;
    const existing = byKey.get(listed.key);
    requireWhole(existing, listed);
    if (isSecureFilter(listed)) {
      const plan = secureFilterForRemove(listed, existing);
      secureFilter.push(plan.outcome);
      if (plan.step) steps.push(plan.step);
      else unchanged++;
    } else if (!existing) unchanged++;
    else if (!judge.mayRemove(existing, listed)) {
      skipped.push(`left "${existing.text}" alone: it is not ours (we set "${listed.text}")`);
    } else
      steps.push({
        context: existing.context,
        line: removalLine(existing),
        undo: restore(existing),
      });
  }
  return { steps, unchanged, skipped, secureFilter };
}

/**
 * The lines that remove exactly what `commands` adds, in a safe order, using the reference's
 * `no` forms. A secure filter line becomes `no ipv6 <if> secure filter in <our ids>`: it stands
 * for "take our ids out of the list"; the client resolves it against the router's list (sending
 * the list without our ids, or the bare `no` form when nothing else is left) and never sends it
 * as written, since the RTX would read it as "drop the whole list".
 */
export function removalCommands(commands: string[]): string[] {
  const ordered = removalOrder(parseCommandList(commands));
  const steps: ContextLine[] = ordered.map((line) =>
    isSecureFilter(line)
      ? { context: null, line: `no ${line.text}` }
      : { context: line.context, line: removalLine(line) },
  );
  return renderWithContexts(steps, { indent: true });
}
