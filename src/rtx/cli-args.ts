/** Argument parsing for `npm run rtx -- apply|remove ...` (docs/rtx.md). */
import { ADOPT_TARGET_FORM, AdoptSpec, parseAdoptList } from "./adopt";
import { Action } from "./client";
import { adoptValue } from "./adopt-option";

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
  /** apply: take over settings with our ids that the previous list did not set (adopt.ts). */
  adopt: AdoptSpec;
  /** Let --backup-config overwrite a spare file that holds a configuration. */
  overwriteBackup: boolean;
  /** Save even over someone's unsaved changes in the running configuration. */
  acceptUnsaved: boolean;
  /** Spare saved-config file (1..4) to copy the boot configuration into before saving. */
  backupConfig?: string;
  /** Seconds after which an unconfirmed change takes itself back (60..3600, default 300). */
  revertAfterSeconds: number;
  /** Change firmware that has no way back. */
  noRevert: boolean;
}

/** `rtx --help` (or -h) anywhere: print HELP and nothing else. */
export function wantsHelp(argv: string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

export const USAGE =
  'usage: rtx apply|remove --host H --port P --user U --host-key "<type> <base64>" --commands <file|-> ' +
  "[--previous-env NAME | --previous <file>] [--adopt[=tunnel:N,keepalive:N,...]] [--accept-unsaved] " +
  "[--backup-config 1-4 [--overwrite-backup]] " +
  "[--timeout SECONDS] [--long-timeout SECONDS] [--dry-run] [--verbose] " +
  "[--revert-after SECONDS] [--no-revert]\n" +
  "passwords come from RTX_PASSWORD and RTX_ADMIN_PASSWORD";

export const HELP = `${USAGE}

Makes a YAMAHA RTX hold the lines of a command list (apply), or takes off the ones that are ours
(remove), over its SSH console; see docs/rtx.md. The list may be in "show config" form (tunnel
blocks indented) or as typed at a console ("tunnel select none" ends a block); it is checked
before connecting: operations (save, exit, console ..., show ...) and tunnel commands outside a
"tunnel select" are refused, naming the line.

  --commands FILE|-      the list (- reads stdin)
  --previous-env NAME    apply: the variable holding the previous apply's JSON summary
  --previous FILE        apply: the previous summary, or the previous list itself
  --adopt                apply: take over settings with our ids that the previous list did not set
                         and that nothing else refers to
  --adopt LIST           apply: take over exactly these (tunnel:N,keepalive:N,filter:N,route:NET)
  --accept-unsaved       save even though the running config holds unsaved changes not ours
  --backup-config N      before saving, copy the saved config the router boots from to file N (1-4);
                         refused when file N holds a configuration this stack did not write there
  --overwrite-backup     let --backup-config overwrite it anyway
  --dry-run              read and plan; print the plan on stderr and the summary; change nothing
  --timeout S            each console step (default 20)
  --long-timeout S       show config, save, copy config (default 120)
  --verbose              progress on stderr (never a password)
  --revert-after S       an unconfirmed change takes itself back after S seconds (60-3600,
                         default 300): armed before the first line, confirmed from a new connection
  --no-revert            change a router whose firmware has no way back (otherwise refused)

Exit 0 with a JSON summary on stdout; 2 for a usage error or a list that cannot be applied;
1 with one line on stderr when the router refused, or nothing was changed for safety.

rtx plan --commands FILE (--config-file SAVED | --host ...) prints what apply would do and changes
nothing; "rtx plan --help" shows its options.`;

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
  "--backup-config",
  "--revert-after",
];
const FLAGS = [
  "--dry-run",
  "--verbose",
  "--adopt",
  "--accept-unsaved",
  "--overwrite-backup",
  "--no-revert",
];

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
    const adoptList = name === "--adopt" ? adoptValue(arg, rest[i + 1]) : undefined;
    if (adoptList !== undefined) {
      values.set("--adopt", adoptList.value);
      i += adoptList.consumed;
    }
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
  if (flags.has("--adopt") && action !== "apply") throw new UsageError("--adopt is for apply only");
  const backupConfig = values.get("--backup-config");
  if (backupConfig !== undefined && !/^[1-4]$/.test(backupConfig))
    throw new UsageError("--backup-config takes a spare saved-config file, 1 to 4");
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
    adopt: adoptSpec(flags.has("--adopt"), values.get("--adopt")),
    overwriteBackup: flags.has("--overwrite-backup"),
    acceptUnsaved: flags.has("--accept-unsaved"),
    backupConfig,
    revertAfterSeconds: revertAfter(values.get("--revert-after")),
    noRevert: flags.has("--no-revert"),
  };
}

/** `--revert-after`: whole seconds, 60..3600 (`schedule at … +<1..3600>`, reference 37.1). */
function revertAfter(value: string | undefined): number {
  if (value === undefined) return 300;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 60 || seconds > 3600)
    throw new UsageError("--revert-after takes whole seconds, 60 to 3600");
  return seconds;
}

/** `--adopt` given (flag) with or without a list → what apply and plan may adopt. */
export function adoptSpec(flag: boolean, list: string | undefined): AdoptSpec {
  if (!flag) return false;
  if (list === undefined) return true;
  const parsed = parseAdoptList(list.split(","));
  if ("invalid" in parsed)
    throw new UsageError(`--adopt: "${parsed.invalid}" is not ${ADOPT_TARGET_FORM}`);
  return parsed;
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
