/**
 * The command-list model shared by the renderer and the SSH client: which context a line lives
 * in (`tunnel select N` blocks), what setting it sets (its "key"), and how to remove it.
 */
import { contextKindOf, operationReason } from "./command-words";
import { CommandListError } from "./errors";
import { joinTokens, normalizeRouteNetwork, normalizeToken, tokenize } from "./normalize";

/** A `tunnel select N` (or `pp select N`) block; null is the top level. */
export interface Context {
  kind: string;
  id: string;
}

export interface ConfigLine {
  context: Context | null;
  /** The line as written, without indentation. */
  text: string;
  /** Unquoted parameters. */
  tokens: string[];
  /** Identity of the setting: a line with the same key and another value is an update. */
  key: string;
  /** Normalised form of the whole line: equal norms mean the router already has the line. */
  norm: string;
  /** Read from `show config` without proof that it is whole (see show-config.ts). */
  doubt?: string;
}

/** Commands that open a context block in `show config` and in our command lists. */
const CONTEXT_KINDS = ["tunnel", "pp"];

/**
 * How many leading parameters name the setting (the rest is its value). "*" matches any
 * parameter (an interface name). The longest matching shape wins.
 */
const KEY_SHAPES: Array<[string[], number]> = [
  [["ip", "route"], 3],
  [["ipv6", "route"], 3],
  [["ip", "keepalive"], 3],
  [["ip", "filter", "dynamic"], 4],
  [["ip", "filter"], 3],
  [["ipv6", "filter", "dynamic"], 4],
  [["ipv6", "filter"], 3],
  [["ip", "*", "secure", "filter"], 5],
  [["ipv6", "*", "secure", "filter"], 5],
  [["ip", "*", "address"], 3],
  [["ipv6", "*", "address"], 3],
  [["ip", "*", "mtu"], 3],
  [["ip", "*", "tcp", "mss", "limit"], 5],
  [["description"], 2],
  [["tunnel", "encapsulation"], 2],
  [["tunnel", "endpoint", "address"], 3],
  [["tunnel", "endpoint", "local", "address"], 4],
  [["tunnel", "endpoint", "remote", "address"], 4],
  [["tunnel", "endpoint", "name"], 3],
  [["tunnel", "enable"], 2],
  [["console"], 2],
  [["schedule", "at"], 3],
];

export function contextLabel(context: Context | null): string {
  return context ? `${context.kind} ${context.id}` : "";
}

/** Number of leading parameters that form the key, or the whole line when the command is unknown. */
export function keyLength(tokens: string[]): number {
  let bestShape = 0;
  let best = tokens.length;
  for (const [shape, length] of KEY_SHAPES) {
    if (shape.length > tokens.length || length > tokens.length) continue;
    if (shape.length > bestShape && shape.every((word, i) => word === "*" || word === tokens[i])) {
      bestShape = shape.length;
      best = length;
    }
  }
  return best;
}

/**
 * `option=value` parameters the firmware may leave out of `show config` because they are the
 * default (command reference 8.5.8: `ip keepalive` log=off, upwait=5, downwait=5, length=64,
 * gateway-selection-rule=head).
 */
const DEFAULT_OPTIONS: Array<[string[], string[]]> = [
  [
    ["ip", "keepalive"],
    ["log=off", "upwait=5", "downwait=5", "length=64", "gateway-selection-rule=head"],
  ],
];

/** Trailing `option=value` parameters in one order, without the ones that are the default. */
function normalizeOptions(tokens: string[]): string[] {
  let start = tokens.length;
  while (start > 0 && /^[a-z-]+=/.test(tokens[start - 1])) start--;
  if (start === tokens.length) return tokens;
  const defaults = DEFAULT_OPTIONS.find(([head]) => head.every((w, i) => tokens[i] === w));
  const options = tokens.slice(start).filter((t) => !defaults?.[1].includes(t));
  return [...tokens.slice(0, start), ...options.sort()];
}

function normalizeTokens(tokens: string[]): string[] {
  // A description is one parameter; compare its words however the router quotes them.
  if (tokens[0]?.toLowerCase() === "description" && tokens.length > 3) {
    return normalizeTokens([...tokens.slice(0, 2), tokens.slice(2).join(" ")]);
  }
  const isRoute = /^ipv?6?$/i.test(tokens[0] ?? "") && tokens[1]?.toLowerCase() === "route";
  return normalizeOptions(
    tokens.map((t, i) => (isRoute && i === 2 ? normalizeRouteNetwork(t) : normalizeToken(t))),
  );
}

/** Builds the model of one line (without indentation) in a context. */
export function makeLine(text: string, context: Context | null): ConfigLine {
  const tokens = tokenize(text.trim());
  const norm = normalizeTokens(tokens);
  const key = `${contextLabel(context)}|${norm.slice(0, keyLength(norm)).join(" ")}`;
  return {
    context,
    text: text.trim(),
    tokens,
    key,
    norm: `${contextLabel(context)}|${norm.join(" ")}`,
  };
}

/** `tunnel select N` → the context it opens (null for `none`); undefined when not a select line. */
export function selectedContext(text: string): Context | null | undefined {
  const tokens = tokenize(text.trim().toLowerCase());
  if (tokens[0] === "no" && tokens[2] === "select" && CONTEXT_KINDS.includes(tokens[1]))
    return null;
  if (tokens.length !== 3 || tokens[1] !== "select" || !CONTEXT_KINDS.includes(tokens[0])) {
    return undefined;
  }
  return tokens[2] === "none" ? null : { kind: tokens[0], id: tokens[2] };
}

export function selectLine(context: Context | null, previous: Context | null): string {
  return context
    ? `${context.kind} select ${context.id}`
    : `${previous?.kind ?? "tunnel"} select none`;
}

/**
 * Parses a command list in either form the RTX shows or takes: as `show config` prints it (lines
 * of a `tunnel select N` block indented by one space) or as typed at the console (no
 * indentation, `tunnel select none` closing a block). As on the router, the selection decides,
 * not the indentation: it lasts until the next `select`; an interface command (`tunnel
 * endpoint`, `ip tunnel mtu`, ...) goes to the selected tunnel and is refused without one; a
 * global command is global wherever it stands, except that an indented line stays in its block
 * (`show config` prints some global settings there); `tunnel enable N` belongs to tunnel N. Operations (`save`, `exit`, `console ...`, `show ...`) are refused. Errors name
 * the line (CommandListError) and are found before anything is sent. `lenient` reads a saved
 * configuration instead: nothing is refused.
 */
export function parseCommandList(
  commands: string[],
  options: { lenient?: boolean } = {},
): ConfigLine[] {
  const lines: ConfigLine[] = [];
  let selected: Context | null = null;
  commands.forEach((raw, index) => {
    const text = raw.trim();
    if (text === "" || text.startsWith("#")) return;
    const fail = (reason: string): never => {
      throw new CommandListError(index + 1, text, reason);
    };
    const select = selectedContext(text);
    if (select !== undefined) {
      selected = select;
      return;
    }
    const tokens = tokenize(text);
    const operation = options.lenient ? null : operationReason(tokens);
    if (operation) fail(`cannot be part of a configuration list: ${operation}`);
    const indented = /^\s/.test(raw);
    const context = options.lenient
      ? (tunnelEnableHome(tokens) ?? (indented || contextKindOf(tokens) ? selected : null))
      : lineContext(tokens, selected, indented, fail);
    lines.push(makeLine(text, context));
  });
  return lines;
}

/** The context a list line lives in, given the interface selected when it is typed. */
function lineContext(
  tokens: string[],
  selected: Context | null,
  indented: boolean,
  fail: (reason: string) => never,
): Context | null {
  const enable = tunnelEnableHome(tokens);
  if (enable) return enable;
  const kind = contextKindOf(tokens);
  if (kind) {
    if (!selected) fail(`a ${kind} command outside a "${kind} select N" block`);
    if (selected.kind !== kind) fail(`a ${kind} command inside "${contextLabel(selected)}"`);
    return selected;
  }
  return indented ? selected : null;
}

/** `tunnel enable N` (and its `no` form) lives in tunnel N, wherever it is typed. */
function tunnelEnableHome(tokens: string[]): Context | null {
  const body = tokens[0]?.toLowerCase() === "no" ? tokens.slice(1) : tokens;
  if (body[0]?.toLowerCase() !== "tunnel" || body[1]?.toLowerCase() !== "enable") return null;
  return /^\d+$/.test(body[2] ?? "") ? { kind: "tunnel", id: body[2] } : null;
}

/** True for `ip|ipv6 <if> secure filter <dir> ...`: we merge our ids into the user's list. */
export function isSecureFilter(line: ConfigLine): boolean {
  const t = line.tokens.map((x) => x.toLowerCase());
  return (
    (t[0] === "ip" || t[0] === "ipv6") && t[2] === "secure" && t[3] === "filter" && t.length >= 5
  );
}

/** The reference's `no` form that removes the setting of a line (optional parameters dropped). */
export function removalLine(line: ConfigLine): string {
  const lower = line.tokens.map((t) => t.toLowerCase());
  if (lower[0] === "tunnel" && lower[1] === "enable")
    return joinTokens(["no", ...line.tokens.slice(0, 3)]);
  const length = keyLength(lower);
  return joinTokens(["no", ...line.tokens.slice(0, length)]);
}

/**
 * Lines that newer firmware never prints in `show config` because they are its default:
 * `ip tunnel tcp mss limit auto` is the default from RTX830 Rev.15.02.03, RTX1210 Rev.14.01.26,
 * RTX5000/RTX3500 Rev.14.00.22 and Rev.15.04 on (older firmware defaults to off and prints it).
 * Its absence is therefore ambiguous, so the planner sends it with the rest of its block and
 * does not count it missing on its own.
 */
const FIRMWARE_DEFAULT_LINES = ["ip tunnel tcp mss limit auto"];

export function mayBeHiddenDefault(line: ConfigLine): boolean {
  return FIRMWARE_DEFAULT_LINES.includes(line.norm.slice(line.norm.indexOf("|") + 1));
}

/** Order in which kinds of settings are removed: users of a thing before the thing. */
export function removalRank(line: ConfigLine): number {
  const t = line.tokens.map((x) => x.toLowerCase());
  if ((t[0] === "ip" || t[0] === "ipv6") && t[1] === "route") return 0;
  if (t[0] === "ip" && t[1] === "keepalive") return 1;
  if (line.context) return 2;
  if (isSecureFilter(line)) return 3;
  if ((t[0] === "ip" || t[0] === "ipv6") && t[1] === "filter") return 4;
  return 5;
}

/** Command-list file content → lines (blank lines and trailing whitespace dropped). */
export function commandLines(text: string): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "");
}

/** Settings by key; a key printed twice (should not happen) keeps its last line. */
export function indexByKey(lines: ConfigLine[]): Map<string, ConfigLine> {
  return new Map(lines.map((line) => [line.key, line]));
}
