/**
 * Parser for `show config` output: `#` comment lines, `tunnel select N` blocks whose lines are
 * indented by one space, and physical lines wrapped at the console width.
 */
import { ConfigLine, Context, makeLine, selectedContext } from "./model";

export interface ShowConfigOptions {
  /**
   * Console width the output was printed at. A physical line exactly this long was wrapped:
   * the next physical line continues it (an empty next line just ends it).
   */
  columns?: number;
}

/** Joins physical lines that the console wrapped at `columns` characters. */
export function unwrapLines(physical: string[], columns?: number): string[] {
  if (!columns) return physical;
  const logical: string[] = [];
  let pending: string | null = null;
  for (const line of physical) {
    if (pending === null) pending = line;
    else if (line === "") {
      logical.push(pending);
      pending = null;
      continue;
    } else pending += line;
    if (line.length !== columns) {
      logical.push(pending);
      pending = null;
    }
  }
  if (pending !== null) logical.push(pending);
  return logical;
}

export function parseShowConfig(output: string, options: ShowConfigOptions = {}): ConfigLine[] {
  const physical = output.replace(/\r\n?/g, "\n").split("\n");
  const lines: ConfigLine[] = [];
  let context: Context | null = null;
  for (const raw of unwrapLines(physical, options.columns)) {
    const text = raw.trimEnd();
    if (text.trim() === "" || text.trimStart().startsWith("#")) continue;
    const selected = selectedContext(text);
    if (selected !== undefined) {
      context = selected;
      continue;
    }
    if (!/^\s/.test(text)) context = null;
    lines.push(makeLine(text, context));
  }
  return lines;
}

/** Settings by key; a key printed twice (should not happen) keeps its last line. */
export function indexByKey(lines: ConfigLine[]): Map<string, ConfigLine> {
  return new Map(lines.map((line) => [line.key, line]));
}
