/**
 * `npm run --silent rtx -- plan --commands <file|-> (--config-file <saved show config> |
 * --host H --port P --user U --host-key "<key>") [--adopt[=LIST]] [--backup-config N
 * [--backup-file <saved show config N>] [--overwrite-backup]] [--model M] [--previous FILE]`:
 * what apply would do, changing nothing (docs/rtx.md "Planning a change"). Online it reads
 * `show config` as the login user and enters administrator mode only to read spare file N
 * (`show config N` needs it); nothing but reads is typed. Exit 0 with a clean plan, 1 with
 * each conflict on one line of stderr (the stack key first), 2 on a usage error.
 */
import { readFileSync } from "fs";
import { RTX_MODELS, UNKNOWN_MODEL_LIMITS } from "../config/rtx-models";
import { AdoptSpec } from "./adopt";
import { adoptValue } from "./adopt-option";
import { readSpare, SpareFile, spareFromText } from "./backup-check";
import { adoptSpec, UsageError } from "./cli-args";
import { parseConsoleSettings } from "./console-settings";
import { ConfigLine, commandLines, parseCommandList } from "./model";
import { formatReport, planReport, PlanReport } from "./plan-report";
import { previousFromEnv, previousFromFile } from "./previous";
import { decodeSaved, parseSavedConfig } from "./saved-config";
import { RtxSession } from "./session";
import { parseShowConfig } from "./show-config";
import { findErrorLine } from "./terminal";

export const PLAN_USAGE =
  "usage: rtx plan --commands <file|-> (--config-file <saved show config> | --host H --port P " +
  '--user U --host-key "<type> <base64>") [--adopt[=tunnel:N,keepalive:N,...]] ' +
  "[--backup-config 1-4 [--backup-file <saved show config N>] [--overwrite-backup]] " +
  "[--model RTX1210] [--previous <file> | --previous-env NAME] [--summary] [--columns N]";

export interface PlanArgs {
  commands: string;
  configFile?: string;
  host?: string;
  port: number;
  user?: string;
  hostKey?: string;
  adopt?: AdoptSpec;
  backupConfig?: string;
  backupFile?: string;
  overwriteBackup: boolean;
  model?: string;
  previousFile?: string;
  /** A variable holding the previous plan's or apply's summary (Pulumi: PULUMI_COMMAND_STDOUT). */
  previousEnv?: string;
  /** End stdout with a JSON line `{"action":"plan","commands":[...]}` for the next run. */
  summary: boolean;
  columns?: number;
  timeoutMs: number;
  longTimeoutMs: number;
}

const VALUES = [
  "--commands",
  "--config-file",
  "--host",
  "--port",
  "--user",
  "--host-key",
  "--backup-config",
  "--backup-file",
  "--model",
  "--previous",
  "--previous-env",
  "--columns",
  "--timeout",
  "--long-timeout",
];

function collect(argv: string[]): { values: Map<string, string>; flags: Set<string> } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === "--adopt") {
      const list = adoptValue(arg, argv[i + 1]);
      i += list?.consumed ?? 0;
      values.set("--adopt", list?.value ?? "");
      flags.add("--adopt");
    } else if (name === "--overwrite-backup" || name === "--summary") flags.add(name);
    else if (VALUES.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      values.set(name, value);
    } else throw new UsageError(`unknown option "${arg}"`);
  }
  return { values, flags };
}

function seconds(value: string | undefined, name: string, fallback: number): number {
  const s = Number(value ?? fallback);
  if (!Number.isFinite(s) || s <= 0)
    throw new UsageError(`${name} must be a positive number of seconds`);
  return s * 1000;
}

export function parsePlanArgs(argv: string[]): PlanArgs {
  const { values, flags } = collect(argv);
  const v = (name: string) => values.get(name);
  if (!v("--commands")) throw new UsageError("--commands is required");
  const online = ["--host", "--user", "--host-key"].filter((n) => v(n));
  if (v("--config-file") && online.length > 0)
    throw new UsageError("give --config-file or --host/--user/--host-key, not both");
  if (!v("--config-file") && online.length < 3)
    throw new UsageError("give --config-file, or --host, --user and --host-key");
  const backupConfig = v("--backup-config");
  if (backupConfig !== undefined && !/^[1-4]$/.test(backupConfig))
    throw new UsageError("--backup-config takes a spare saved-config file, 1 to 4");
  if (v("--backup-file") && (!backupConfig || !v("--config-file")))
    throw new UsageError("--backup-file goes with --config-file and --backup-config");
  const model = v("--model");
  if (model !== undefined && !(model in RTX_MODELS))
    throw new UsageError(`--model: one of ${Object.keys(RTX_MODELS).join(", ")}`);
  const port = Number(v("--port") ?? "22");
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError("--port must be 1..65535");
  const columns = v("--columns") === undefined ? undefined : Number(v("--columns"));
  if (columns !== undefined && (!Number.isInteger(columns) || columns < 40))
    throw new UsageError("--columns takes the console width the file was captured at (80, 200)");
  const adoptValue = v("--adopt");
  return {
    commands: v("--commands") as string,
    configFile: v("--config-file"),
    host: v("--host"),
    port,
    user: v("--user"),
    hostKey: v("--host-key"),
    adopt: adoptSpec(flags.has("--adopt"), adoptValue || undefined),
    backupConfig,
    backupFile: v("--backup-file"),
    overwriteBackup: flags.has("--overwrite-backup"),
    model,
    previousFile: v("--previous"),
    previousEnv: v("--previous-env"),
    summary: flags.has("--summary"),
    columns,
    timeoutMs: seconds(v("--timeout"), "--timeout", 20),
    longTimeoutMs: seconds(v("--long-timeout"), "--long-timeout", 120),
  };
}

export interface Passwords {
  password?: string;
  adminPassword?: string;
}

interface Observed {
  source: string;
  current: ConfigLine[];
  spare?: SpareFile;
}

function offline(args: PlanArgs): Observed {
  const file = args.configFile as string;
  const current = parseSavedConfig(decodeSaved(readFileSync(file)), args.columns);
  const n = args.backupConfig;
  const spare: SpareFile | undefined = !n
    ? undefined
    : args.backupFile
      ? spareFromText(n, decodeSaved(readFileSync(args.backupFile)), args.columns)
      : { file: n, state: "unknown" };
  return { source: file, current, ...(spare ? { spare } : {}) };
}

/** Reads `show config` (and spare file N) from the router; types nothing but reads. */
async function online(args: PlanArgs, secrets: Passwords): Promise<Observed> {
  if (secrets.password === undefined) throw new UsageError("RTX_PASSWORD is not set");
  if (args.backupConfig && secrets.adminPassword === undefined)
    throw new UsageError(
      "RTX_ADMIN_PASSWORD is not set (reading spare file N needs administrator mode)",
    );
  const session = await RtxSession.open({
    host: args.host as string,
    port: args.port,
    user: args.user as string,
    hostKey: args.hostKey as string,
    password: secrets.password,
    adminPassword: secrets.adminPassword ?? "",
    timeoutMs: args.timeoutMs,
  });
  try {
    let output = await session.command("show config", args.longTimeoutMs);
    if (findErrorLine(output) && secrets.adminPassword !== undefined) {
      await session.enterAdmin();
      output = await session.command("show config", args.longTimeoutMs);
    }
    const error = findErrorLine(output);
    if (error) throw new Error(`"show config" failed: ${session.safe(error)}`);
    const columns = Number(parseConsoleSettings(output).columns ?? session.columns);
    session.columns = Number.isFinite(columns) ? columns : session.columns;
    const current = parseShowConfig(output, { columns: session.columns });
    let spare: SpareFile | undefined;
    if (args.backupConfig) {
      if (session.mode !== "admin") await session.enterAdmin();
      spare = await readSpare(session, args.backupConfig, args.longTimeoutMs);
    }
    await session.close();
    return { source: `${args.host}:${args.port}`, current, ...(spare ? { spare } : {}) };
  } finally {
    session.destroy();
  }
}

export interface PlanOutcome {
  code: number;
  stdout: string;
  stderr: string;
  report?: PlanReport;
}

/** Runs the plan; the caller prints stdout and stderr and exits with code. */
export async function runPlan(args: PlanArgs, secrets: Passwords): Promise<PlanOutcome> {
  const commands = commandLines(readFileSync(args.commands === "-" ? 0 : args.commands, "utf8"));
  parseCommandList(commands);
  const previous = args.previousEnv
    ? previousFromEnv(args.previousEnv, process.env[args.previousEnv]).commands
    : args.previousFile
      ? previousFromFile(args.previousFile, readFileSync(args.previousFile, "utf8")).commands
      : undefined;
  const observed = args.configFile ? offline(args) : await online(args, secrets);
  const report = planReport(commands, observed.current, {
    source: observed.source,
    previous,
    adopt: args.adopt,
    limits: args.model ? RTX_MODELS[args.model] : UNKNOWN_MODEL_LIMITS,
    overwriteBackup: args.overwriteBackup,
    ...(observed.spare ? { spare: observed.spare } : {}),
  });
  const stderr = report.conflicts.map((c) => `rtx plan: ${c}\n`).join("");
  const summary = args.summary ? `${JSON.stringify({ action: "plan", commands })}\n` : "";
  const stdout = `${formatReport(report)}${summary}`;
  return { code: report.conflicts.length > 0 ? 1 : 0, stdout, stderr, report };
}
