/** A small strict parser for `--flag value` / `--switch` command lines. */

export class UsageError extends Error {}

export interface ArgSpec {
  /** Flags that take a value. */
  values: readonly string[];
  /** Flags that take none. */
  switches: readonly string[];
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string>;
  switches: Set<string>;
}

export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], values: {}, switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    if (spec.switches.includes(flag)) {
      parsed.switches.add(flag);
    } else if (spec.values.includes(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      parsed.values[flag] = value;
    } else if (flag.startsWith("--")) {
      throw new UsageError(`unknown option ${flag}`);
    } else {
      parsed.positionals.push(arg);
    }
  }
  return parsed;
}
