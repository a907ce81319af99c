/**
 * Plans what to send: given the desired lines and the router's `show config`, the exact lines
 * (with their `tunnel select` context) and, for each, the line that undoes it.
 */
import {
  ConfigLine,
  Context,
  contextLabel,
  isSecureFilter,
  makeLine,
  mayBeHiddenDefault,
  parseCommandList,
  removalLine,
  removalRank,
  selectLine,
} from "./model";
import { judgeContexts, lineJudge, LineJudge, Ownership } from "./ownership";
import { ownedLines, projectConfig, staleLines } from "./stale";
import {
  containsOurIds,
  isEmptyList,
  mergeOurIds,
  parseSecureFilter,
  renderSecureFilter,
  sharesAnyId,
  withoutOurIds,
} from "./secure-filter";

export interface ContextLine {
  context: Context | null;
  line: string;
}

export interface Step extends ContextLine {
  /** What puts the router back as it was before this step. */
  undo: ContextLine;
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
}

export class OwnershipConflictError extends Error {
  constructor(readonly conflicts: string[]) {
    super(`refusing to change settings that are not ours: ${conflicts.join("; ")}`);
    this.name = "OwnershipConflictError";
  }
}

function removal(line: ConfigLine): ContextLine {
  return { context: line.context, line: removalLine(line) };
}

function restore(line: ConfigLine): ContextLine {
  return { context: line.context, line: line.text };
}

function secureFilterStepForApply(
  wanted: ConfigLine,
  existing: ConfigLine | undefined,
): Step | null {
  const ours = parseSecureFilter(wanted);
  const list = existing ? parseSecureFilter(existing) : null;
  if (containsOurIds(list, ours)) return null;
  const merged = renderSecureFilter(mergeOurIds(list, ours));
  const undo = existing ? restore(existing) : removal(wanted);
  return { context: null, line: merged, undo };
}

function secureFilterStepForRemove(
  wanted: ConfigLine,
  existing: ConfigLine | undefined,
): Step | null {
  if (!existing) return null;
  const ours = parseSecureFilter(wanted);
  const list = parseSecureFilter(existing);
  if (!sharesAnyId(list, ours)) return null;
  const rest = withoutOurIds(list, ours);
  const line = isEmptyList(rest) ? removalLine(existing) : renderSecureFilter(rest);
  return { context: null, line, undo: restore(existing) };
}

/** Foreign blocks among those the given lines use (a retired block may be foreign: not a conflict). */
function foreignAmong(ownership: Ownership, lines: ConfigLine[]): string[] {
  const labels = new Set(lines.map((l) => contextLabel(l.context)));
  return [...ownership.foreignContexts]
    .filter(([label]) => labels.has(label))
    .map(([, why]) => why);
}

function describeConflict(existing: ConfigLine, wanted: ConfigLine): string {
  return `"${existing.text}" is on the router and is not ours (we would set "${wanted.text}")`;
}

/**
 * Lines to send so the router has every desired line, then (given the previously applied list)
 * lines that take out what the previous list set and the desired one dropped. Throws
 * OwnershipConflictError before anything is sent.
 */
export function planApply(
  desiredCommands: string[],
  current: ConfigLine[],
  previousCommands: string[] = [],
): Plan {
  const desired = parseCommandList(desiredCommands);
  const previous = parseCommandList(previousCommands);
  const owned = ownedLines(desired, previous);
  const ownership = judgeContexts(owned, current);
  const judge = lineJudge(owned, current, ownership);
  const byKey = new Map(current.map((l) => [l.key, l]));
  const conflicts = foreignAmong(ownership, desired);
  const steps: Step[] = [];
  let unchanged = 0;
  for (const wanted of desired) {
    const existing = byKey.get(wanted.key);
    if (isSecureFilter(wanted)) {
      const step = secureFilterStepForApply(wanted, existing);
      if (step) steps.push(step);
      else unchanged++;
      continue;
    }
    if (existing && existing.norm === wanted.norm) {
      unchanged++;
      continue;
    }
    if (ownership.foreignContexts.has(contextLabel(wanted.context))) continue;
    if (existing && !judge.mayChange(existing, wanted)) {
      conflicts.push(describeConflict(existing, wanted));
      continue;
    }
    const undo = existing ? restore(existing) : removal(wanted);
    steps.push({ context: wanted.context, line: wanted.text, undo });
  }
  if (conflicts.length > 0) throw new OwnershipConflictError(conflicts);
  const needed = withoutLoneHiddenDefaults(steps, byKey);
  const stale = removalPlan(staleLines(previous, desired), projectConfig(current, needed), owned);
  return {
    steps: needed,
    stale: stale.steps,
    unchanged: unchanged + steps.length - needed.length,
    skipped: stale.skipped,
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

function removalStep(
  wanted: ConfigLine,
  existing: ConfigLine | undefined,
  judge: LineJudge,
): Step | string | null {
  if (!existing) return null;
  if (existing.norm !== wanted.norm && !judge.mayChange(existing, wanted)) {
    return `left "${existing.text}" alone: it is not ours`;
  }
  return { context: existing.context, line: removalLine(existing), undo: restore(existing) };
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

/** Lines that take every desired setting that is ours off the router, leaving the rest. */
export function planRemove(desiredCommands: string[], current: ConfigLine[]): Plan {
  const desired = parseCommandList(desiredCommands);
  return { ...removalPlan(desired, current, desired), stale: [] };
}

/**
 * Lines that take the target settings off the router where they are ours, in a safe order.
 * `owned` are the lines whose tunnel blocks count as ours (see ownedLines).
 */
function removalPlan(
  targets: ConfigLine[],
  current: ConfigLine[],
  owned: ConfigLine[],
): Omit<Plan, "stale"> {
  const ownership = judgeContexts(owned, current);
  const judge = lineJudge(owned, current, ownership);
  const byKey = new Map(current.map((l) => [l.key, l]));
  const steps: Step[] = [];
  const skipped = foreignAmong(ownership, targets).map((why) => `left alone: ${why}`);
  let unchanged = 0;
  for (const wanted of removalOrder(targets)) {
    if (ownership.foreignContexts.has(contextLabel(wanted.context))) continue;
    const existing = byKey.get(wanted.key);
    const step = isSecureFilter(wanted)
      ? secureFilterStepForRemove(wanted, existing)
      : removalStep(wanted, existing, judge);
    if (step === null) unchanged++;
    else if (typeof step === "string") skipped.push(step);
    else steps.push(step);
  }
  return { steps, unchanged, skipped };
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

function sameContext(a: Context | null, b: Context | null): boolean {
  return contextLabel(a) === contextLabel(b);
}

export interface WireLine {
  line: string;
  /** The step this line carries out; absent for `tunnel select` lines. */
  step?: number;
}

/**
 * Inserts `tunnel select N` whenever the context changes and closes with `tunnel select none`.
 * With `indent`, lines inside a block get one leading space (the `show config` layout) and
 * a block ends at the next unindented line instead.
 */
export function wireLines(steps: ContextLine[], options: { indent?: boolean } = {}): WireLine[] {
  const out: WireLine[] = [];
  let context: Context | null = null;
  steps.forEach((step, index) => {
    if (!sameContext(context, step.context)) {
      if (step.context || !options.indent) out.push({ line: selectLine(step.context, context) });
      context = step.context;
    }
    out.push({ line: options.indent && context ? ` ${step.line}` : step.line, step: index });
  });
  if (context && !options.indent) out.push({ line: selectLine(null, context) });
  return out;
}

export function renderWithContexts(
  steps: ContextLine[],
  options: { indent?: boolean } = {},
): string[] {
  return wireLines(steps, options).map((w) => w.line);
}

/** Wire lines that undo the given (sent) steps, newest first. */
export function undoLines(sent: Step[]): string[] {
  return renderWithContexts([...sent].reverse().map((s) => s.undo));
}

/** Re-exported for callers that build lines by hand (tests, the renderer). */
export { makeLine };
