/**
 * `rtx plan`: what apply would do to a configuration (read from the router or from a saved
 * `show config` file), as a change ticket needs it: the lines added, each line replaced with the
 * line it replaces and what in the user's configuration refers to it, the secure filter lists
 * before and after, the spare file `--backup-config` would overwrite, and every conflict as one
 * line naming the stack key to change (docs/rtx.md "Planning a change").
 */
import { dependentsOf, lineTarget } from "./adopt";
import { maskSecretParameters, OwnershipConflictError, RtxError } from "./errors";
import {
  ConfigLine,
  contextLabel,
  indexByKey,
  isSecureFilter,
  makeLine,
  parseCommandList,
} from "./model";
import { ApplyOptions, Plan, planApply } from "./plan";
import { SpareFile, spareConflict, describeSpare } from "./backup-check";
import { renderWithContexts, Step } from "./wire";

const keyOf = (step: Step) => makeLine(step.line, step.context).key;

export interface Replacement {
  /** `tunnel 1`, or "" for a global line. */
  context: string;
  old: string;
  new: string;
  /** The user's lines that refer to the replaced setting. */
  dependents: string[];
}

export interface FilterChange {
  list: string;
  before: string | null;
  after: string | null;
  note: string;
}

export interface PlanReport {
  /** Where the configuration came from: a file path or `host:port`. */
  source: string;
  added: string[];
  replaced: Replacement[];
  unchanged: number;
  secureFilter: FilterChange[];
  spare?: SpareFile;
  /** One line each: the stack key to change first. Apply would refuse and change nothing. */
  conflicts: string[];
}

export interface ReportOptions extends ApplyOptions {
  source: string;
  spare?: SpareFile;
  overwriteBackup?: boolean;
}

function replacements(plan: Plan, current: ConfigLine[], desired: ConfigLine[]): Replacement[] {
  const byKey = indexByKey(current);
  const ours = new Set(desired.map((l) => l.norm));
  const shown = new Set<string>();
  return plan.steps.flatMap((step) => {
    const existing = byKey.get(keyOf(step));
    if (!existing || isSecureFilter(existing)) return [];
    const target = lineTarget(existing);
    const first = !shown.has(target);
    shown.add(target);
    const dependents = first
      ? dependentsOf(target, current)
          .filter((l) => !ours.has(l.norm))
          .map((l) => maskSecretParameters(l.text))
      : [];
    return [
      {
        context: contextLabel(step.context),
        old: maskSecretParameters(existing.text),
        new: step.line,
        dependents,
      },
    ];
  });
}

function filterChanges(plan: Plan, current: ConfigLine[], desired: ConfigLine[]): FilterChange[] {
  const byKey = indexByKey(current);
  return desired.filter(isSecureFilter).map((wanted, i) => {
    const before = byKey.get(wanted.key)?.text ?? null;
    const step = plan.steps.find((s) => keyOf(s) === wanted.key);
    const outcome = plan.secureFilter[i];
    return {
      list: outcome.list,
      before,
      after: step ? step.line : before,
      note: `${outcome.outcome}: ${outcome.note}`,
    };
  });
}

/** The plan of an apply of `commands` on `current`; conflicts instead of an exception. */
export function planReport(
  commands: string[],
  current: ConfigLine[],
  options: ReportOptions,
): PlanReport {
  const desired = parseCommandList(commands);
  const base = { source: options.source, ...(options.spare ? { spare: options.spare } : {}) };
  const spare = options.spare && !options.overwriteBackup ? spareConflict(options.spare) : null;
  let plan: Plan;
  try {
    plan = planApply(commands, current, options);
  } catch (error) {
    if (!(error instanceof RtxError)) throw error;
    const conflicts = error instanceof OwnershipConflictError ? error.conflicts : [error.message];
    return {
      ...base,
      added: [],
      replaced: [],
      unchanged: 0,
      secureFilter: [],
      conflicts: [...conflicts, ...(spare ? [spare] : [])],
    };
  }
  const byKey = indexByKey(current);
  const added = plan.steps.filter((s) => !byKey.has(keyOf(s)));
  return {
    ...base,
    added: renderWithContexts(added, { indent: true }),
    replaced: replacements(plan, current, desired),
    unchanged: plan.unchanged,
    secureFilter: filterChanges(plan, current, desired),
    conflicts: spare ? [spare] : [],
  };
}

/** The report as text for stdout (the conflicts go to stderr, one per line). */
export function formatReport(report: PlanReport): string {
  const out = [`rtx plan against ${report.source} (nothing was changed)`];
  if (report.conflicts.length > 0)
    out.push(
      `  apply would refuse and change nothing: ${report.conflicts.length} conflict(s), listed on stderr`,
    );
  else if (
    report.added.length + report.replaced.length === 0 &&
    report.secureFilter.every((f) => f.before === f.after)
  )
    out.push("  nothing to send: the configuration already holds the list");
  if (report.added.length > 0) out.push(`  would add:`, ...report.added.map((l) => `    ${l}`));
  for (const r of report.replaced) {
    const where = r.context ? ` in ${r.context}` : "";
    out.push(`  would replace${where}: "${r.old}"`, `    with "${r.new}"`);
    for (const d of r.dependents) out.push(`    referred to by the user's "${d}"`);
  }
  for (const f of report.secureFilter) {
    out.push(`  ${f.list} (${f.note})`);
    out.push(`    before: ${f.before ?? "(no list)"}`, `    after:  ${f.after ?? "(no list)"}`);
  }
  out.push(`  already in place: ${report.unchanged} line(s)`);
  if (report.spare) out.push(`  ${describeSpare(report.spare)}`);
  return `${out.join("\n")}\n`;
}
