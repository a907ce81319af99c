/**
 * The spare saved-configuration file `--backup-config N` overwrites with `copy config`: what it
 * holds, read before anything changes (`show config N`, which needs administrator mode and asks
 * for the login and administrator passwords), and the refusal to overwrite a file that holds a
 * configuration this stack did not put there, unless told (`--overwrite-backup`,
 * `rtx.overwriteBackup`). docs/rtx.md "Keeping the saved configuration".
 */
import { maskSecretParameters, UnsafeConfigError } from "./errors";
import { ConfigLine } from "./model";
import { RtxSession } from "./session";
import { parseShowConfig } from "./show-config";
import { findErrorLine } from "./terminal";

export interface SpareFile {
  file: string;
  /**
   * empty: read and holds no setting; holds: read, with settings; ours: written by this
   * stack's last apply (its summary says so); unknown: a saved file cannot tell (offline);
   * unreadable: the router did not show it.
   */
  state: "empty" | "holds" | "ours" | "unknown" | "unreadable";
  /** The settings it holds (state "holds" or "ours"). */
  lines?: ConfigLine[];
  /** The router's answer when unreadable. */
  note?: string;
}

/** What a `show config N` output (or a saved copy of it) says about spare file N. */
export function spareFromText(file: string, text: string, columns?: number): SpareFile {
  const lines = parseShowConfig(text, { columns });
  return lines.length === 0 ? { file, state: "empty" } : { file, state: "holds", lines };
}

/** Reads spare file N on the router; the passwords are typed by the session, never logged. */
export async function readSpare(
  session: RtxSession,
  file: string,
  timeoutMs?: number,
): Promise<SpareFile> {
  const output = await session.commandWithPasswords(`show config ${file}`, timeoutMs);
  const error = findErrorLine(output);
  if (error) return { file, state: "unreadable", note: error };
  return spareFromText(file, output, session.columns);
}

/** Spare file N as the last apply left it: its summary recorded that it wrote the file. */
export function ownedSpare(spare: SpareFile, ownedByLastApply: string | undefined): SpareFile {
  return spare.file === ownedByLastApply && spare.state === "holds"
    ? { ...spare, state: "ours" }
    : spare;
}

function sample(lines: ConfigLine[]): string {
  const shown = lines
    .slice(0, 2)
    .map((l) => `"${maskSecretParameters(l.text)}"`)
    .join(", ");
  return `${lines.length} setting(s): ${shown}${lines.length > 2 ? ", ..." : ""}`;
}

/** One line for the plan and the dry run: the file `copy config` would overwrite and its content. */
export function describeSpare(spare: SpareFile): string {
  const head = `before saving, "copy config" would overwrite spare file ${spare.file} (--backup-config ${spare.file})`;
  switch (spare.state) {
    case "empty":
      return `${head}, which is empty`;
    case "holds":
      return `${head}, which holds ${sample(spare.lines ?? [])}`;
    case "ours":
      return `${head}, which holds the backup this stack's last apply wrote (${sample(spare.lines ?? [])})`;
    case "unreadable":
      return `${head}, which the router did not show ("${spare.note}")`;
    default:
      return `${head}; what it holds cannot be known from a saved "show config" (pass --backup-file with a saved "show config ${spare.file}" to check it)`;
  }
}

/** The refusal (one line, naming the key) when overwriting the spare file could lose a configuration. */
export function spareConflict(spare: SpareFile): string | null {
  if (spare.state === "empty" || spare.state === "ours" || spare.state === "unknown") return null;
  const what =
    spare.state === "holds"
      ? `spare file ${spare.file} holds ${sample(spare.lines ?? [])}`
      : `spare file ${spare.file} could not be read ("${spare.note}": it may not exist, or this firmware cannot show it), so what it holds is unknown`;
  return (
    `rtx.overwriteBackup: ${what}, and --backup-config ${spare.file} would overwrite it; ` +
    `choose an empty spare file (rtx.backupConfig) or allow it: --overwrite-backup (rtx.overwriteBackup: true)`
  );
}

export interface SpareOptions {
  backupConfig?: string;
  overwriteBackup?: boolean;
  longTimeoutMs?: number;
  /** The previous apply's summary said which spare file this stack wrote. */
  previous?: { spareOwned?: string };
}

/**
 * Apply, before any change: reads spare file N (administrator mode, both passwords asked) and
 * refuses when overwriting it could lose a configuration, unless told to overwrite. Returns the
 * line the summary and the dry run print.
 */
export async function checkSpare(session: RtxSession, options: SpareOptions): Promise<string> {
  const file = options.backupConfig as string;
  const read = await readSpare(session, file, options.longTimeoutMs);
  const spare = ownedSpare(read, options.previous?.spareOwned);
  const refusal = options.overwriteBackup ? null : spareConflict(spare);
  if (refusal) throw new UnsafeConfigError(`${refusal}; nothing was changed`);
  return describeSpare(spare);
}

/** The previous summary's spare file, kept while this run backs up to the same file. */
export function carriedSpare(options: SpareOptions): { spareOwned?: string } {
  const owned = options.previous?.spareOwned;
  return owned !== undefined && owned === options.backupConfig ? { spareOwned: owned } : {};
}
