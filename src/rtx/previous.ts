/**
 * The previously applied command list, for `apply --previous-env NAME` / `--previous FILE`.
 * Under Pulumi it is the last apply's JSON summary, which @pulumi/command passes to the
 * update command as PULUMI_COMMAND_STDOUT; by hand it may also be a plain command-list file.
 * Anything that is not clearly a previous list yields no lines, with a note saying why: then
 * nothing is removed as stale, which is safe (at worst an old line stays on the router).
 */
import { commandLines, parseCommandList } from "./model";

export interface PreviousList {
  /** Where the list came from, for the summary and the log (`$PULUMI_COMMAND_STDOUT`, a path). */
  source: string;
  /** The previous desired lines (empty when there is none or it was not usable). */
  commands: string[];
  /** Why no lines were taken, when none were. */
  note?: string;
  /** The spare file the previous apply's summary says this stack wrote (backup-check.ts). */
  spareOwned?: string;
}

/** `spareOwned`, or the `backup.to` of a summary that saved: the spare file holds our backup. */
function spareOwnedOf(text: string): { spareOwned?: string } {
  const summary = parseJsonObject(text) as Record<string, unknown> | undefined;
  if (!summary || typeof summary !== "object") return {};
  const backup = summary.backup as { to?: unknown } | undefined;
  const owned = summary.spareOwned ?? backup?.to;
  return typeof owned === "string" && /^[1-4]$/.test(owned) ? { spareOwned: owned } : {};
}

/** The JSON object in the text: the whole text, or else its last line that looks like one. */
function parseJsonObject(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const lines = text.split("\n").filter((l) => l.trim().startsWith("{"));
    if (lines.length === 0) return undefined;
    try {
      return JSON.parse(lines[lines.length - 1]);
    } catch {
      return undefined;
    }
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** The `commands` of an apply summary, or the reason there are none to take. */
function commandsOfSummary(text: string): string[] | string {
  const summary = parseJsonObject(text) as Record<string, unknown> | undefined;
  if (!summary || typeof summary !== "object") return "it is not a JSON summary";
  // A plan's summary (`rtx plan --summary`, the preflight's output) lists the list it checked.
  if (summary.action !== "apply" && summary.action !== "plan")
    return "it is not the summary of an apply";
  if (summary.dryRun === true) return "it is the summary of a dry run";
  if (!isStringArray(summary.commands)) return "it has no command list (an older client wrote it)";
  return summary.commands;
}

function checked(source: string, commands: string[]): PreviousList {
  try {
    parseCommandList(commands);
  } catch (error) {
    return { source, commands: [], note: `it is not a valid list: ${(error as Error).message}` };
  }
  if (commands.length === 0) return { source, commands, note: "it lists no lines" };
  return { source, commands };
}

/** From an environment variable that holds a previous apply summary (PULUMI_COMMAND_STDOUT). */
export function previousFromEnv(name: string, value: string | undefined): PreviousList {
  const source = `$${name}`;
  if (value === undefined) return { source, commands: [], note: "it is not set" };
  if (value.trim() === "") return { source, commands: [], note: "it is empty" };
  const commands = commandsOfSummary(value);
  return typeof commands === "string"
    ? { source, commands: [], note: commands, ...spareOwnedOf(value) }
    : { ...checked(source, commands), ...spareOwnedOf(value) };
}

/** From a file: a previous apply summary (JSON), or the previous command list itself. */
export function previousFromFile(path: string, text: string): PreviousList {
  if (text.trim() === "") return { source: path, commands: [], note: "it is empty" };
  if (!text.trimStart().startsWith("{")) return checked(path, commandLines(text));
  const commands = commandsOfSummary(text);
  return typeof commands === "string"
    ? { source: path, commands: [], note: commands, ...spareOwnedOf(text) }
    : { ...checked(path, commands), ...spareOwnedOf(text) };
}

/** One line for --verbose: what the previous list is, and what that means for stale lines. */
export function describePrevious(previous: PreviousList): string {
  if (previous.commands.length > 0)
    return `previous list: ${previous.commands.length} line(s) from ${previous.source}; its settings the new list dropped will be removed after the new lines are applied`;
  return `previous list from ${previous.source} not used (${previous.note}): nothing will be removed as stale`;
}
