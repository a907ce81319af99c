/**
 * Unsaved changes: `save` stores the whole running configuration, so before changing anything
 * the client compares it with the saved configuration the router boots from. A difference that
 * our own lists explain (an earlier run of ours cut off before its save) is ours to save; any
 * other difference is someone's unsaved work, and saving it too needs the user's word.
 */
import { ConfigLine, isSecureFilter } from "./model";
import { indexByKey } from "./show-config";
import { parseSecureFilter, renderSecureFilter, withoutOurIds } from "./secure-filter";

export interface UnsavedChange {
  key: string;
  /** The running line, or null when the running configuration lacks the saved one. */
  running: string | null;
  /** The saved line, or null when the saved configuration lacks it. */
  saved: string | null;
}

/** Console settings are the client's own temporary changes; they are put back before saving. */
function comparable(line: ConfigLine): boolean {
  return line.tokens[0]?.toLowerCase() !== "console";
}

export function unsavedChanges(running: ConfigLine[], saved: ConfigLine[]): UnsavedChange[] {
  const runningByKey = indexByKey(running.filter(comparable));
  const savedByKey = indexByKey(saved.filter(comparable));
  const changes: UnsavedChange[] = [];
  for (const [key, line] of runningByKey) {
    const before = savedByKey.get(key);
    if (before?.norm !== line.norm)
      changes.push({ key, running: line.text, saved: before?.text ?? null });
  }
  for (const [key, line] of savedByKey) {
    if (!runningByKey.has(key)) changes.push({ key, running: null, saved: line.text });
  }
  return changes;
}

/**
 * The changes our lists do not explain. A change is ours when the running line is one of our
 * lines (set by an interrupted run), the saved line is one of ours (removed by one), or the
 * secure filter lists differ only by our ids.
 */
export function unexplained(
  changes: UnsavedChange[],
  running: ConfigLine[],
  saved: ConfigLine[],
  ours: ConfigLine[],
): UnsavedChange[] {
  const ourNorms = new Set(ours.map((l) => l.norm));
  const ourLists = ours.filter(isSecureFilter).map(parseSecureFilter);
  const runningByKey = indexByKey(running);
  const savedByKey = indexByKey(saved);
  const withoutOurs = (line: ConfigLine | undefined) => {
    if (!line || !isSecureFilter(line)) return line?.norm ?? "";
    const list = ourLists.reduce((l, o) => withoutOurIds(l, o), parseSecureFilter(line));
    return renderSecureFilter(list).toLowerCase();
  };
  return changes.filter((change) => {
    const now = runningByKey.get(change.key);
    const before = savedByKey.get(change.key);
    if (now && ourNorms.has(now.norm) && (!before || ourNorms.has(before.norm))) return false;
    if (!now && before && ourNorms.has(before.norm)) return false;
    const isList = (now && isSecureFilter(now)) || (before && isSecureFilter(before));
    return !(isList && withoutOurs(now) === withoutOurs(before));
  });
}

/** One line per change, for an error message or the summary. */
export function describeChange(change: UnsavedChange): string {
  if (change.saved === null) return `+ "${change.running}"`;
  if (change.running === null) return `- "${change.saved}"`;
  return `"${change.saved}" -> "${change.running}"`;
}

/**
 * The saved configuration the router boots from, read off `show environment`: the line that
 * names the default (boot) configuration file, else the only file it names.
 */
export function bootConfigFile(environment: string): string | null {
  const named = environment
    .split("\n")
    .map((line) => ({
      line,
      files: [...line.matchAll(/config\s*(\d(?:\.\d)?)/gi)].map((m) => m[1]),
    }))
    .filter((l) => l.files.length > 0);
  const boot = named.find((l) => /default|boot|デフォルト|起動/i.test(l.line));
  if (boot) return boot.files[boot.files.length - 1];
  const distinct = new Set(named.flatMap((l) => l.files));
  return distinct.size === 1 ? [...distinct][0] : null;
}
