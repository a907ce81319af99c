/**
 * The fake RTX's configuration: a grammar for the commands the project uses (plus a few a user
 * would have), a key → line store built on the client's own model, and `show config` display
 * with the router's own normalisation (host routes without /32, IPv6 addresses canonical).
 */
import {
  ConfigLine,
  contextLabel,
  Context,
  makeLine,
  parseCommandList,
  selectedContext,
} from "../../src/rtx/model";
import { canonicalIpv6, joinTokens, tokenize } from "../../src/rtx/normalize";

export type ConsoleError =
  "invalid-command" | "parameter-count" | "invalid-parameter" | "no-tunnel-selected";

interface Rule {
  words: string[];
  /** Parameter count including the words. */
  min: number;
  max: number;
  inTunnel?: boolean;
  check?: (tokens: string[]) => boolean;
}

const IS_NUMBER = (t: string) => /^\d+$/.test(t);
const IS_IF = (t: string) => /^(lan\d+(\.\d+)?|bridge\d+|pp|tunnel)$/.test(t);

const RULES: Rule[] = [
  { words: ["ip", "route"], min: 5, max: 200, check: (t) => t[3] === "gateway" },
  {
    words: ["ip", "keepalive"],
    min: 7,
    max: 40,
    check: (t) => IS_NUMBER(t[2]) && t[3] === "icmp-echo",
  },
  {
    words: ["ipv6", "filter"],
    min: 5,
    max: 9,
    check: (t) => IS_NUMBER(t[2]) && /^(pass|reject)(-log|-nolog)?$/.test(t[3]),
  },
  { words: ["ip", "filter"], min: 5, max: 9, check: (t) => IS_NUMBER(t[2]) },
  {
    words: ["ipv6", "*", "secure", "filter"],
    min: 5,
    max: 140,
    check: (t) =>
      IS_IF(t[1]) &&
      /^(in|out)$/.test(t[4]) &&
      t.slice(5).every((x) => IS_NUMBER(x) || x === "dynamic"),
  },
  { words: ["ip", "*", "address"], min: 4, max: 4, check: (t) => IS_IF(t[1]) },
  { words: ["ipv6", "*", "address"], min: 4, max: 4, check: (t) => IS_IF(t[1]) },
  { words: ["description", "tunnel"], min: 3, max: 3, inTunnel: true },
  { words: ["description"], min: 3, max: 3, check: (t) => IS_NUMBER(t[1]) || IS_IF(t[1]) },
  {
    words: ["tunnel", "encapsulation"],
    min: 3,
    max: 3,
    inTunnel: true,
    check: (t) => /^(ipsec|ipip|l2tp|l2tpv3)$/.test(t[2]),
  },
  { words: ["tunnel", "endpoint", "address"], min: 4, max: 5, inTunnel: true },
  {
    words: ["ip", "tunnel", "mtu"],
    min: 4,
    max: 4,
    inTunnel: true,
    check: (t) => IS_NUMBER(t[3]) && +t[3] >= 64 && +t[3] <= 1500,
  },
  {
    words: ["ip", "tunnel", "tcp", "mss", "limit"],
    min: 6,
    max: 6,
    inTunnel: true,
    check: (t) => t[5] === "auto" || IS_NUMBER(t[5]),
  },
  { words: ["ipsec", "tunnel"], min: 3, max: 3, inTunnel: true },
  { words: ["tunnel", "enable"], min: 3, max: 3, check: (t) => IS_NUMBER(t[2]) },
  {
    words: ["console", "lines"],
    min: 3,
    max: 3,
    check: (t) => t[2] === "infinity" || (IS_NUMBER(t[2]) && +t[2] >= 10 && +t[2] <= 100),
  },
  {
    words: ["console", "columns"],
    min: 3,
    max: 3,
    check: (t) => IS_NUMBER(t[2]) && +t[2] >= 80 && +t[2] <= 200,
  },
  {
    words: ["console", "character"],
    min: 3,
    max: 3,
    check: (t) => /^(en\.ascii|ja\.sjis|ja\.utf8|ascii|sjis)$/.test(t[2]),
  },
  { words: ["console", "prompt"], min: 3, max: 3 },
  // 37.1: `schedule at <id> … <command>`; the console checks the relative form and the command.
  { words: ["schedule", "at"], min: 5, max: 200, check: (t) => IS_NUMBER(t[2]) },
];

/** `no` forms: the key, plus the optional parameters the positive form allows (ignored). */
const NO_EXACT: string[][] = [["ipv6", "*", "secure", "filter"]];

function matches(rule: Rule, tokens: string[]): boolean {
  return rule.words.every((w, i) => w === "*" || tokens[i] === w);
}

export function findRule(tokens: string[]): Rule | undefined {
  return RULES.filter((r) => matches(r, tokens)).sort((a, b) => b.words.length - a.words.length)[0];
}

/** Validates a config command; returns the console error it gets, or null. */
export function validate(tokens: string[], context: Context | null): ConsoleError | null {
  const negated = tokens[0] === "no";
  const body = negated ? tokens.slice(1) : tokens;
  const rule = findRule(body);
  if (!rule) return "invalid-command";
  if (rule.inTunnel && !context) return "no-tunnel-selected";
  if (negated) {
    const exact = NO_EXACT.some((w) => w.every((x, i) => x === "*" || body[i] === x));
    const needsId = ["route", "keepalive", "filter", "enable", "at"].includes(rule.words[1]);
    const keyLength = exact ? 5 : rule.words.length + (needsId ? 1 : 0);
    if (body.length < keyLength || body.length > (exact ? 5 : rule.max)) return "parameter-count";
    return null;
  }
  if (body.length < rule.min || body.length > rule.max) return "parameter-count";
  if (rule.check && !rule.check(body)) return "invalid-parameter";
  return null;
}

/** How the router prints a line back: canonical IPv6, no /32 on host routes, quoted descriptions. */
export function displayLine(tokens: string[]): string {
  const out = tokens.map((t) => {
    if (t.includes(",")) return t.split(",").map(displayAddress).join(",");
    return displayAddress(t);
  });
  if (out[0] === "ip" && out[1] === "route" && out[2]?.endsWith("/32"))
    out[2] = out[2].slice(0, -3);
  return joinTokens(out);
}

function displayAddress(token: string): string {
  const slash = token.indexOf("/");
  const v6 = canonicalIpv6(slash >= 0 ? token.slice(0, slash) : token);
  return v6 ? v6 + (slash >= 0 ? token.slice(slash) : "") : token;
}

interface Stored {
  line: ConfigLine;
  display: string;
}

/** Running configuration: settings by key, in insertion order. */
export class FakeConfig {
  private settings = new Map<string, Stored>();

  /** Loads a configuration in either form (`show config` or as typed), keeping every line. */
  constructor(configLines: string[] = []) {
    for (const line of parseCommandList(configLines, { lenient: true })) {
      if (line.tokens[0] === "no") {
        this.apply(line.tokens, line.context);
        continue;
      }
      const existing = this.settings.get(line.key);
      // Settings the client's model keys alike (two `ipv6 lan1 address` lines) both stay.
      if (existing && existing.line.norm !== line.norm) this.keepBeside(line);
      else this.set(line.tokens, line.context);
    }
  }

  private keepBeside(line: ConfigLine): void {
    let n = 2;
    while (this.settings.has(`${line.key}#${n}`)) n++;
    this.settings.set(`${line.key}#${n}`, { line, display: displayLine(line.tokens) });
  }

  clone(): FakeConfig {
    const copy = new FakeConfig();
    copy.settings = new Map(this.settings);
    return copy;
  }

  /** Applies a validated command in a context (`tunnel enable N` always lives in tunnel N). */
  apply(tokens: string[], context: Context | null): void {
    const negated = tokens[0] === "no";
    const body = negated ? tokens.slice(1) : tokens;
    const home =
      body[0] === "tunnel" && body[1] === "enable" ? { kind: "tunnel", id: body[2] } : context;
    if (negated) this.settings.delete(makeLine(joinTokens(body), home).key);
    else this.set(body, home);
  }

  private set(tokens: string[], context: Context | null): void {
    const line = makeLine(joinTokens(tokens), context);
    this.settings.set(line.key, { line, display: displayLine(tokens) });
  }

  has(text: string, context: Context | null = null): boolean {
    const line = makeLine(text, context);
    return this.settings.get(line.key)?.line.norm === line.norm;
  }

  /** The setting's displayed line for a key-shaped text, e.g. "ipv6 lan2 secure filter in". */
  find(text: string, context: Context | null = null): string | undefined {
    for (const stored of this.settings.values()) {
      if (
        contextLabel(stored.line.context) === contextLabel(context) &&
        stored.display.startsWith(text)
      ) {
        return stored.display;
      }
    }
    return undefined;
  }

  /** `show config` body lines: top-level settings, then tunnel blocks by number. */
  lines(): string[] {
    const top = [...this.settings.values()].filter((s) => !s.line.context).map((s) => s.display);
    const blocks = new Map<string, string[]>();
    for (const stored of this.settings.values()) {
      if (!stored.line.context) continue;
      const label = `${stored.line.context.kind} select ${stored.line.context.id}`;
      const block = blocks.get(label) ?? [];
      // `tunnel enable N` is printed last in its block, as the RTX does.
      if (/^tunnel enable/.test(stored.display)) block.push(`\u0000${stored.display}`);
      else block.push(stored.display);
      blocks.set(label, block);
    }
    const sortedBlocks = [...blocks.entries()].sort((a, b) =>
      a[0].localeCompare(b[0], "en", { numeric: true }),
    );
    const blockLines = sortedBlocks.flatMap(([label, block]) => [
      label,
      ...[
        ...block.filter((l) => !l.startsWith("\u0000")),
        ...block.filter((l) => l.startsWith("\u0000")),
      ].map((l) => ` ${l.replace("\u0000", "")}`),
    ]);
    return [...top, ...blockLines];
  }

  /** Number of settings, for assertions. */
  get size(): number {
    return this.settings.size;
  }
}

export { selectedContext, tokenize };
