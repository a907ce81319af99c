/**
 * A saved `show config` file as engineers keep them: UTF-8 or Shift_JIS (the console's
 * `console character sjis`), `show config` layout or as typed at a console (`tunnel select
 * none` ending blocks), maybe captured through an 80-column console that wrapped long lines.
 * Lines are unwrapped by the same rules as the live router's output (show-config.ts) and each
 * line keeps its `doubt`, so the planner refuses to judge a line it cannot prove whole.
 */
import { ConfigLine, parseCommandList, selectedContext } from "./model";
import { displayWidth, unwrapLines } from "./show-config";

/** UTF-8 when the bytes are valid UTF-8, else Shift_JIS. */
export function decodeSaved(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("shift_jis").decode(bytes);
  }
}

/**
 * The console width a capture was wrapped at: 80 when no line is wider than 80 columns and one
 * reaches the edge (78 or more), else none (lines are whole).
 */
export function guessColumns(physical: string[]): number | undefined {
  const widths = physical.map(displayWidth);
  const widest = Math.max(0, ...widths);
  return widest <= 80 && widest >= 78 ? 80 : undefined;
}

/** The settings of a saved configuration, in either layout, with their contexts. */
export function parseSavedConfig(text: string, columns?: number): ConfigLine[] {
  const physical = text.replace(/\r\n?/g, "\n").split("\n");
  const logical = unwrapLines(physical, columns ?? guessColumns(physical)).filter((l) => {
    const t = l.text.trim();
    return t !== "" && !t.startsWith("#");
  });
  const lines = parseCommandList(
    logical.map((l) => l.text.trimEnd()),
    { lenient: true },
  );
  const doubts = logical.filter((l) => selectedContext(l.text) === undefined).map((l) => l.doubt);
  return lines.map((line, i) => (doubts[i] ? { ...line, doubt: doubts[i] } : line));
}
