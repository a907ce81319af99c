/**
 * Apply or remove a command list on a YAMAHA RTX over SSH (docs/rtx.md; `--help`):
 *   npm run --silent rtx -- apply|remove --host H --port P --user U --host-key "<key>" --commands <file|->
 *     [--previous-env NAME | --previous <file>]   (apply: remove what the previous list set and
 *                                                  the new one dropped, after applying the new)
 * RTX_PASSWORD and RTX_ADMIN_PASSWORD come from the environment and are never printed.
 * Exit 0 with one JSON object on stdout; 2 on a usage error; 1 with one line on stderr otherwise.
 */
import { readFileSync } from "fs";
import { CliArgs, HELP, parseCliArgs, USAGE, UsageError, wantsHelp } from "../src/rtx/cli-args";
import { runRtx } from "../src/rtx/client";
import { CommandListError, redact } from "../src/rtx/errors";
import { commandLines, parseCommandList } from "../src/rtx/model";
import { formatPlan } from "../src/rtx/plan-text";
import { PLAN_USAGE, parsePlanArgs, runPlan } from "../src/rtx/plan-command";
import {
  describePrevious,
  PreviousList,
  previousFromEnv,
  previousFromFile,
} from "../src/rtx/previous";

/** The previous list named on the command line, if any (a missing file is an error). */
function readPrevious(args: CliArgs): PreviousList | undefined {
  if (args.previousEnv) return previousFromEnv(args.previousEnv, process.env[args.previousEnv]);
  if (args.previousFile)
    return previousFromFile(args.previousFile, readFileSync(args.previousFile, "utf8"));
  return undefined;
}

/** The command list, checked before anything connects: a bad line is a usage error (exit 2). */
function readCommands(args: CliArgs): string[] {
  const lines = commandLines(readFileSync(args.commands === "-" ? 0 : args.commands, "utf8"));
  parseCommandList(lines);
  return lines;
}

/** `rtx plan ...`: what apply would do, read-only (src/rtx/plan-command.ts). */
async function plan(argv: string[]): Promise<number> {
  const secrets = [process.env.RTX_PASSWORD, process.env.RTX_ADMIN_PASSWORD];
  try {
    const outcome = await runPlan(parsePlanArgs(argv), {
      password: process.env.RTX_PASSWORD,
      adminPassword: process.env.RTX_ADMIN_PASSWORD,
    });
    process.stdout.write(outcome.stdout);
    process.stderr.write(redact(outcome.stderr, secrets));
    return outcome.code;
  } catch (error) {
    const usage = error instanceof UsageError || error instanceof CommandListError;
    const message = redact((error as Error).message.split("\n").join(" "), secrets);
    process.stderr.write(
      `rtx plan: ${message}\n${error instanceof UsageError ? `${PLAN_USAGE}\n` : ""}`,
    );
    return usage ? 2 : 1;
  }
}

async function main(): Promise<number> {
  if (process.argv[2] === "plan" && !wantsHelp(process.argv.slice(2)))
    return plan(process.argv.slice(3));
  if (process.argv[2] === "plan") {
    process.stdout.write(`${PLAN_USAGE}\n`);
    return 0;
  }
  if (wantsHelp(process.argv.slice(2))) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const password = process.env.RTX_PASSWORD;
  const adminPassword = process.env.RTX_ADMIN_PASSWORD;
  const secrets = [password, adminPassword];
  let args;
  let commands: string[];
  try {
    args = parseCliArgs(process.argv.slice(2));
    if (password === undefined) throw new UsageError("RTX_PASSWORD is not set");
    if (adminPassword === undefined) throw new UsageError("RTX_ADMIN_PASSWORD is not set");
    commands = readCommands(args);
  } catch (error) {
    const listError = error instanceof CommandListError;
    const message = redact((error as Error).message, secrets);
    process.stderr.write(`rtx: ${message}\n${listError ? "" : `${USAGE}\n`}`);
    return error instanceof UsageError || listError ? 2 : 1;
  }
  const log = args.verbose
    ? (m: string) => process.stderr.write(`rtx: ${redact(m, secrets)}\n`)
    : undefined;
  try {
    const previous = readPrevious(args);
    if (previous) log?.(describePrevious(previous));
    const summary = await runRtx({
      action: args.action,
      commands,
      host: args.host,
      port: args.port,
      user: args.user,
      hostKey: args.hostKey,
      password: password as string,
      adminPassword: adminPassword as string,
      timeoutMs: args.timeoutMs,
      longTimeoutMs: args.longTimeoutMs,
      dryRun: args.dryRun,
      previous,
      adopt: args.adopt,
      acceptUnsaved: args.acceptUnsaved,
      backupConfig: args.backupConfig,
      revertAfterSeconds: args.revertAfterSeconds,
      noRevert: args.noRevert,
      overwriteBackup: args.overwriteBackup,
      log,
    });
    if (args.dryRun) process.stderr.write(formatPlan(summary));
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  } catch (error) {
    const message = (error as Error).message.split("\n").join(" ");
    process.stderr.write(`rtx ${args.action} ${args.host}: ${redact(message, secrets)}\n`);
    return 1;
  }
}

// Exit explicitly once stdout is flushed: a half-closed SSH socket must not keep us alive.
main().then((code) => process.stdout.write("", () => process.exit(code)));
