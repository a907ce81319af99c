/**
 * Pure helpers for the RTX console stream: prompts, paging, echo, decoding, error lines.
 * The stream is handled as bytes read as latin1 (one char per byte): the prompt and paging
 * markers are ASCII, and Shift_JIS trail bytes never fall on '#', '>', ' ' or newlines.
 */

/** Escapes a string for use inside a RegExp. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface PromptMatch {
  /** The prompt's text before the context and mode character, e.g. "[RTX1210] " or "RTX830". */
  base: string;
  /** "tunnel1", "(tunnel1)", ... or "" at the top level. */
  context: string;
  mode: "user" | "admin";
}

const CONTEXT_PART = "((?:\\s?\\(?(?:tunnel|pp|switch|ap)[\\w.:/-]*\\)?\\s?)?)";

/** Any prompt: used at login, before the router's prompt name is known. */
const ANY_PROMPT = new RegExp(`(?:^|\\n)([^\\n#>]{0,64}?)${CONTEXT_PART}([>#]) ?$`, "i");

/** The prompt at the very end of the buffer, given the prompt name learnt at login. */
export function matchPrompt(buffer: string, base: string | null): PromptMatch | null {
  const text = buffer.replace(/\r/g, "");
  const pattern =
    base === null
      ? ANY_PROMPT
      : new RegExp(`(?:^|\\n)(${escapeRegExp(base)})${CONTEXT_PART}([>#]) ?$`, "i");
  const m = pattern.exec(text);
  if (!m) return null;
  return { base: m[1], context: m[2].trim(), mode: m[3] === "#" ? "admin" : "user" };
}

/** `---more---`, `--- つづく ---` (Shift_JIS or UTF-8): the console waits for a key. */
export function endsWithMorePrompt(buffer: string): boolean {
  const lastLine = buffer.slice(buffer.lastIndexOf("\n") + 1).replace(/\r/g, "");
  return /-{2,}\s?[^\n-]{1,24}\s?-{2,}\s*$/.test(lastLine) && lastLine.trim().length <= 40;
}

export function endsWithPasswordPrompt(buffer: string): boolean {
  return /password:\s*$/i.test(buffer.replace(/\r/g, ""));
}

export function endsWithSaveQuestion(buffer: string): boolean {
  return /\(Y\/N\)\s*[:?]?\s*$/i.test(buffer.replace(/\r/g, ""));
}

/** Removes the paging marker at the end of the buffer (we answer it with a space). */
export function dropMorePrompt(buffer: string): string {
  return buffer.slice(0, buffer.lastIndexOf("\n") + 1);
}

/** Applies what a terminal would: drops escape sequences, backspaces and overwritten text. */
export function cleanTerminalText(text: string): string {
  // eslint-disable-next-line no-control-regex -- terminal escape sequences are what we strip
  const noEscapes = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\x1b[()][A-Z0-9]/g, "");
  const lines = noEscapes.replace(/\r+\n/g, "\n").split("\n");
  return lines
    .map((line) => {
      const overwritten = line.slice(line.lastIndexOf("\r") + 1);
      let out = "";
      for (const ch of overwritten) {
        if (ch === "\b") out = out.slice(0, -1);
        else if (ch >= " " || ch === "\t" || ch > "\x7f") out += ch;
      }
      return out;
    })
    .join("\n");
}

/** Decodes console bytes: UTF-8 when valid, else Shift_JIS (the RTX default console code). */
export function decodeConsole(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("shift_jis").decode(bytes);
  }
}

/**
 * The output of one command: text after the echo of the command, before the prompt.
 * The echo may be wrapped, so it is matched character by character, ignoring line breaks.
 */
export function stripEcho(text: string, command: string): string {
  const wanted = command.replace(/\s+/g, " ").trim();
  if (wanted === "") return text.replace(/^[^\n]*\n/, "");
  for (
    let start = text.indexOf(wanted[0]);
    start >= 0;
    start = text.indexOf(wanted[0], start + 1)
  ) {
    const end = matchEchoAt(text, start, wanted);
    if (end < 0) continue;
    const lineEnd = text.indexOf("\n", end);
    return lineEnd < 0 ? "" : text.slice(lineEnd + 1);
  }
  return text;
}

/** Index just past the echo of `wanted` starting at `start` (line breaks may split it), or -1. */
function matchEchoAt(text: string, start: number, wanted: string): number {
  let i = start;
  for (let matched = 0; matched < wanted.length; i++) {
    if (i >= text.length) return -1;
    const ch = text[i];
    if (ch === wanted[matched] || (wanted[matched] === " " && ch === " ")) matched++;
    else if (ch !== "\n") return -1;
  }
  return i;
}

/** Removes the final prompt line from a command's output. */
export function dropPromptLine(text: string): string {
  const lastBreak = text.lastIndexOf("\n");
  return lastBreak < 0 ? "" : text.slice(0, lastBreak);
}

/** The console's error line (`Error: ...`, `エラー: ...`), if the output has one. */
export function findErrorLine(output: string): string | null {
  const line = output.split("\n").find((l) => /^\s*(Error|エラー)\s*[:：]/i.test(l));
  return line ? line.trim() : null;
}

/** Non-empty output lines: a config command that succeeds prints nothing. */
export function meaningfulLines(output: string): string[] {
  return output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}
