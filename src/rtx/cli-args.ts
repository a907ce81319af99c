/** Argument parsing for `npm run rtx -- apply|remove ...` (DESIGN.md §10). */
import { Action } from "./client";

export interface CliArgs {
  action: Action;
  host: string;
  port: number;
  user: string;
  hostKey: string;
  /** A path, or "-" for stdin. */
  commands: string;
  timeoutMs: number;
  longTimeoutMs: number;
  dryRun: boolean;
  verbose: boolean;
  /** apply: the environment variable holding the previous apply's summary. */
  previousEnv?: string;
  /** apply: a file with the previous apply's summary or the previous command list. */
  previousFile?: string;
}

export const USAGE =
  'usage: rtx apply|remove --host H --port P --user U --host-key "<type> <base64>" --commands <file|-> ' +
  "[--previous-env NAME | --previous <file>] " +
  "[--timeout SECONDS] [--long-timeout SECONDS] [--dry-run] [--verbose]\n" +
  "passwords come from RTX_PASSWORD and RTX_ADMIN_PASSWORD";

const VALUE_OPTIONS = [
  "--host",
  "--port",
  "--user",
  "--host-key",
  "--commands",
  "--timeout",
  "--long-timeout",
  "--previous-env",
  "--previous",
];
const FLAGS = ["--dry-run", "--verbose"];

export class UsageError extends Error {}

function positiveSeconds(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback * 1000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`${name} must be a positive number of seconds`);
  return seconds * 1000;
}

export function parseCliArgs(argv: string[]): CliArgs {
  const [action, ...rest] = argv;
  if (action !== "apply" && action !== "remove")
    throw new UsageError(`unknown action "${action ?? ""}"`);
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (FLAGS.includes(name)) flags.add(name);
    else if (VALUE_OPTIONS.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      values.set(name, value);
    } else throw new UsageError(`unknown option "${arg}"`);
  }
  for (const required of ["--host", "--user", "--host-key", "--commands"]) {
    if (!values.get(required)) throw new UsageError(`${required} is required`);
  }
  checkPreviousOptions(action, values);
  const port = Number(values.get("--port") ?? "22");
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError("--port must be 1..65535");
  return {
    action,
    host: values.get("--host") as string,
    port,
    user: values.get("--user") as string,
    hostKey: values.get("--host-key") as string,
    commands: values.get("--commands") as string,
    timeoutMs: positiveSeconds(values.get("--timeout"), "--timeout", 20),
    longTimeoutMs: positiveSeconds(values.get("--long-timeout"), "--long-timeout", 120),
    dryRun: flags.has("--dry-run"),
    verbose: flags.has("--verbose"),
    previousEnv: values.get("--previous-env"),
    previousFile: values.get("--previous"),
  };
}

/** The previous list only means something to apply, and comes from one place. */
function checkPreviousOptions(action: string, values: Map<string, string>): void {
  const env = values.get("--previous-env");
  const file = values.get("--previous");
  if (env === undefined && file === undefined) return;
  if (action !== "apply") throw new UsageError("--previous-env and --previous are for apply only");
  if (env !== undefined && file !== undefined)
    throw new UsageError("give --previous-env or --previous, not both");
  if (env !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(env))
    throw new UsageError("--previous-env needs an environment variable name");
  if (file === "" || file === "-")
    throw new UsageError("--previous needs a file (stdin is for --commands)");
}

/** Command-list file content → lines (blank lines and trailing whitespace dropped). */
export function commandLines(text: string): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "");
}
