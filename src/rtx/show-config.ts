/**
 * Parser for `show config` output: `#` comment lines, `tunnel select N` blocks whose lines are
 * indented, and physical lines wrapped at the console width.
 *
 * Real consoles break a long line one column before the width (at 80 columns a physical line
 * carries 79 characters; a double-width character that does not fit moves whole to the next
 * line), and other firmware may use the full width. So a physical line is a wrap candidate when
 * it reaches the width less two; whether the next physical line continues it is read from that
 * line itself: no setting starts with a digit, a comma or the middle of a word, while a new
 * setting starts with a command word. Where that cannot be told, the line carries a `doubt`,
 * and the planner refuses to rewrite or judge a line it cannot prove whole (docs/rtx.md).
 */
import { mayStartSetting } from "./command-words";
import { ConfigLine, Context, makeLine, selectedContext } from "./model";

export interface ShowConfigOptions {
  /** Console width the output was printed at (`console columns`); omit for unwrapped text. */
  columns?: number;
}

export interface LogicalLine {
  text: string;
  /** Why the line may not be exactly what the router holds (absent: read whole). */
  doubt?: string;
}

/** Columns a console uses for the text: double-width (Shift_JIS two-byte) characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    width += code < 0x80 || (code >= 0xff61 && code <= 0xff9f) ? 1 : 2;
  }
  return width;
}

/** Tokens of `ip|ipv6 IF secure filter DIR ids... [dynamic ids...]` after the head, if it is one. */
function isWellFormedList(text: string): boolean {
  const m = /^\s*ipv6?\s+\S+\s+secure\s+filter\s+(in|out)\s+(.*)$/i.exec(text);
  if (!m) return false;
  const rest = m[2].trim().split(/\s+/);
  return rest.every((t) => /^\d+$/.test(t) || t.toLowerCase() === "dynamic");
}

const TOO_WIDE =
  "it reaches the console width and the next line starts a setting, so it may have been cut";
const JOINED_ON_A_WORD =
  "it reaches the console width and was joined with a line that starts with a word no setting starts with";

/** Whether `next` can only be the continuation of a wrapped line. */
function continuesLine(next: string): boolean {
  const rest = next.replace(/^\s+/, "");
  return rest !== "" && !mayStartSetting(rest);
}

interface Gathered {
  text: string;
  /** The last physical line joined in. */
  last: string;
  doubt?: string;
}

/**
 * Joins physical lines that the console wrapped; each logical line says whether it was read
 * whole. Without `columns` nothing is joined.
 */
export function unwrapLines(physical: string[], columns?: number): LogicalLine[] {
  if (!columns) return physical.map((text) => ({ text }));
  const widest = Math.max(0, ...physical.map(displayWidth));
  const width = Math.max(columns, widest + 1);
  const atEdge = (line: string) => displayWidth(line) >= width - 2;
  const gathered: Gathered[] = [];
  for (const line of physical) {
    const previous = gathered[gathered.length - 1];
    const wrapped = previous !== undefined && atEdge(previous.last);
    if (wrapped && line === "") {
      // An empty line right after a full one only ends it.
      previous.last = "";
      continue;
    }
    if (wrapped && continuesLine(line)) {
      previous.text += line;
      previous.last = line;
      if (/^\s*[a-z]/i.test(line)) previous.doubt ??= JOINED_ON_A_WORD;
      continue;
    }
    // A list cannot go on with a command word: it ended, and this line is a setting of its own.
    const cut = wrapped && !isWellFormedList(previous.text);
    if (cut) previous.doubt ??= TOO_WIDE;
    gathered.push({ text: line, last: line, ...(cut ? { doubt: TOO_WIDE } : {}) });
  }
  return gathered.map(({ text, doubt }) =>
    doubt && !isWellFormedList(text) ? { text, doubt } : { text },
  );
}

export function parseShowConfig(output: string, options: ShowConfigOptions = {}): ConfigLine[] {
  const physical = output.replace(/\r\n?/g, "\n").split("\n");
  const lines: ConfigLine[] = [];
  let context: Context | null = null;
  for (const logical of unwrapLines(physical, options.columns)) {
    const text = logical.text.trimEnd();
    if (text.trim() === "" || text.trimStart().startsWith("#")) continue;
    const selected = selectedContext(text);
    if (selected !== undefined) {
      context = selected;
      continue;
    }
    if (!/^\s/.test(text)) context = null;
    const line = makeLine(text, context);
    lines.push(logical.doubt ? { ...line, doubt: logical.doubt } : line);
  }
  return lines;
}

/** Settings by key; a key printed twice (should not happen) keeps its last line. */
export function indexByKey(lines: ConfigLine[]): Map<string, ConfigLine> {
  return new Map(lines.map((line) => [line.key, line]));
}
