/**
 * apply / remove a desired command list on a YAMAHA RTX (docs/rtx.md): check the list before
 * connecting, read `show config`, plan (every refusal happens there), make sure `save` would
 * store nothing but this run's change, send only what differs (in its `tunnel select` context),
 * verify with a second `show config`, restore the console settings, keep the previous saved
 * configuration in the spare file the user named, then `save`. On any error, undo what was
 * sent, newest first, and leave administrator mode without saving.
 */
import { ConsoleChange, consoleChanges, parseConsoleSettings } from "./console-settings";
import {
  CommandRejectedError,
  ConnectionLostError,
  RtxError,
  UnsafeConfigError,
  VerificationError,
} from "./errors";
import { ConfigLine, indexByKey, makeLine, parseCommandList } from "./model";
import { Plan, planApply, planRemove, SecureFilterOutcome } from "./plan";
import { RtxSession, SessionOptions } from "./session";
import type { PreviousList } from "./previous";
import type { AdoptSpec } from "./adopt";
import { carriedSpare, checkSpare } from "./backup-check";
import { parseShowConfig } from "./show-config";
import { findErrorLine, meaningfulLines } from "./terminal";
import { bootConfigFile, describeChange, unexplained, unsavedChanges } from "./unsaved";
import { renderWithContexts, Step, undoLines, wireLines } from "./wire";

export type Action = "apply" | "remove";

export interface RunOptions extends SessionOptions {
  action: Action;
  commands: string[];
  dryRun?: boolean;
  /** Limit for `show config` and `save`, which can take long on a big config. */
  longTimeoutMs?: number;
  /** apply: the previously applied list; what it set and `commands` dropped is removed. */
  previous?: PreviousList;
  /** apply: take over settings with our ids that the previous list did not set (adopt.ts). */
  adopt?: AdoptSpec;
  /** Let backupConfig overwrite a spare file that holds a configuration (backup-check.ts). */
  overwriteBackup?: boolean;
  /** Save even when the running configuration holds someone's unsaved changes. */
  acceptUnsaved?: boolean;
  /** A spare saved-configuration file (1..4) to copy the boot configuration into before saving. */
  backupConfig?: string;
}

/** What the previous list was, in the summary (never the lines: the summary must not grow). */
export interface PreviousInfo {
  source: string;
  lines: number;
  note?: string;
}

export interface Summary {
  action: Action;
  host: string;
  changed: boolean;
  dryRun: boolean;
  /** Lines sent to change the configuration, with their context lines. */
  sent: string[];
  /** Lines a dry run would send. */
  planned?: string[];
  /**
   * apply: the desired list, as given. The next apply reads it back from this summary (Pulumi
   * passes the last stdout as PULUMI_COMMAND_STDOUT) to find what became stale. No secret.
   */
  commands?: string[];
  /** apply: the previous list used to find stale settings, when one was given. */
  previous?: PreviousInfo;
  /** apply: lines that removed (dry run: would remove) stale settings, part of `sent`. */
  stale: string[];
  /** Desired lines already in place (apply) or already gone (remove). */
  unchanged: number;
  /** Settings remove left alone because they are not ours. */
  skipped: string[];
  /** What happened to the secure filter list(s): merged, already present, no list, removed. */
  secureFilter: SecureFilterOutcome[];
  /** The saved configuration the router boots from, when the run had to read it. */
  bootConfig?: string;
  /** Unsaved changes found in the running configuration and saved with ours (accepted). */
  unsavedChanges?: string[];
  /** Where the previous saved configuration was kept before this run's save. */
  backup?: { from: string; to: string };
  /** The spare file backupConfig overwrites, and what it held (before any change). */
  spare?: string;
  /** The spare file this stack's applies wrote (carried from the previous summary). */
  spareOwned?: string;
  saved: boolean;
  roundTrips: number;
  roundTripsByPhase: Record<string, number>;
  showConfigReads: number;
  durationMs: number;
}

/** A config command prints nothing when it succeeds: any output is treated as a refusal. */
async function sendConfigLine(session: RtxSession, line: string): Promise<void> {
  const output = await session.command(line);
  const lines = meaningfulLines(output);
  if (lines.length > 0) {
    throw new CommandRejectedError(line, session.safe(findErrorLine(output) ?? lines.join(" / ")));
  }
}

/** Console settings we change for the session and must put back before saving or leaving. */
class ConsoleGuard {
  private applied: ConsoleChange[] = [];

  constructor(private readonly session: RtxSession) {}

  /** Reads the settings (grep, or the paged full config on firmware without grep), then changes them. */
  async prepare(): Promise<void> {
    let output = await this.session.command("show config | grep console");
    if (findErrorLine(output)) output = await this.session.command("show config");
    const settings = parseConsoleSettings(output);
    // The width the router prints at now: a setting left by an earlier, interrupted run counts.
    if (settings.columns !== undefined) this.session.columns = Number(settings.columns);
    for (const change of consoleChanges(settings)) {
      if (await this.trySet(change)) this.applied.push(change);
    }
  }

  private async trySet(change: ConsoleChange): Promise<boolean> {
    for (const line of change.set) {
      const output = await this.session.command(line);
      if (meaningfulLines(output).length === 0) {
        if (change.setting === "columns") this.session.columns = 200;
        return true;
      }
    }
    return false;
  }

  /** Puts back every setting we changed, newest first. */
  async restore(): Promise<void> {
    while (this.applied.length > 0) {
      const change = this.applied[this.applied.length - 1];
      await sendConfigLine(this.session, change.restore);
      this.applied.pop();
      if (change.setting === "columns") {
        this.session.columns = Number(/columns (\d+)/.exec(change.restore)?.[1] ?? 80);
      }
    }
  }
}

/** New lines first, then the stale ones out: the router never lacks a route while it changes. */
function allSteps(plan: Plan): Step[] {
  return [...plan.steps, ...plan.stale];
}

class Run {
  readonly session: RtxSession;
  readonly guard: ConsoleGuard;
  readonly sent: string[] = [];
  readonly sentSteps: Step[] = [];
  /** A `tunnel select N` was sent and not yet closed. */
  openContext = false;
  reads = 0;
  /** The router's configuration as last read. */
  current: ConfigLine[] = [];

  constructor(
    session: RtxSession,
    readonly options: RunOptions,
  ) {
    this.session = session;
    this.guard = new ConsoleGuard(session);
  }

  log(message: string): void {
    this.options.log?.(this.session.safe(message));
  }

  async readPlan(): Promise<Plan> {
    this.reads++;
    const output = await this.session.command("show config", this.options.longTimeoutMs);
    const error = findErrorLine(output);
    if (error) throw new RtxError(`"show config" failed: ${error}`);
    this.current = parseShowConfig(output, { columns: this.session.columns });
    return this.options.action === "apply"
      ? planApply(this.options.commands, this.current, {
          previous: this.options.previous?.commands,
          adopt: this.options.adopt,
        })
      : planRemove(this.options.commands, this.current);
  }

  /** The boot configuration's file number, from `show environment` ("0" when it names none). */
  async readBootFile(): Promise<string> {
    const output = await this.session.command("show environment", this.options.longTimeoutMs);
    return bootConfigFile(output) ?? "0";
  }

  /**
   * Refuses before any change when the running configuration differs from the saved one in a
   * way our lists do not explain: `save` would make someone's unsaved work permanent too.
   */
  async checkUnsaved(bootFile: string): Promise<string[]> {
    const output = await this.session.commandWithPasswords(
      `show config ${bootFile}`,
      this.options.longTimeoutMs,
    );
    const error = findErrorLine(output);
    if (error && this.options.acceptUnsaved) {
      return [`(saved config ${bootFile} could not be read: ${error}; not compared)`];
    }
    if (error) {
      throw new UnsafeConfigError(
        `cannot read the saved configuration ("show config ${bootFile}": ${error}), so this run ` +
          'cannot tell whether "save" would store someone\'s unsaved changes too; check on the ' +
          "router and pass --accept-unsaved to save without comparing",
      );
    }
    const saved = parseShowConfig(output, { columns: this.session.columns });
    const ours = [
      ...parseCommandList(this.options.commands),
      ...parseCommandList(this.options.previous?.commands ?? []),
    ];
    const changes = unsavedChanges(this.current, saved);
    const foreign = unexplained(changes, this.current, saved, ours).map(describeChange);
    if (foreign.length > 0 && !this.options.acceptUnsaved) {
      throw new UnsafeConfigError(
        `the running configuration has ${foreign.length} unsaved change(s) that are not ours ` +
          `(against saved config ${bootFile}: ${foreign.slice(0, 5).join(", ")}` +
          `${foreign.length > 5 ? ", ..." : ""}); "save" would make them permanent too. ` +
          "Save or undo them on the router first, or pass --accept-unsaved",
      );
    }
    return foreign;
  }

  /** `copy config BOOT SPARE`: the way back to the configuration as it was saved before us. */
  async backup(bootFile: string, spare: string): Promise<void> {
    const line = `copy config ${bootFile} ${spare}`;
    const output = await this.session.commandWithPasswords(line, this.options.longTimeoutMs);
    const error = findErrorLine(output);
    if (error) throw new RtxError(`"${line}" failed: ${error}`);
  }

  async send(steps: Step[]): Promise<void> {
    for (const wire of wireLines(steps)) {
      await sendConfigLine(this.session, wire.line);
      this.sent.push(wire.line);
      if (wire.step === undefined) this.openContext = !/ select none$/.test(wire.line);
      else this.sentSteps.push(steps[wire.step]);
    }
  }

  /**
   * Reads the configuration again: every line must now read as sent (normalised: option order,
   * spelling of addresses, defaults the firmware omits). A difference that this does not explain
   * is reported with both lines; the caller then undoes.
   */
  async verify(): Promise<void> {
    const again = await this.readPlan();
    const steps = allSteps(again);
    if (steps.length === 0) return;
    const byKey = indexByKey(this.current);
    const differences = steps.map((step) => {
      const removing = /^no\s/i.test(step.line);
      const setting = makeLine(
        removing ? step.line.replace(/^no\s+/i, "") : step.line,
        step.context,
      );
      const shown = byKey.get(setting.key)?.text;
      const sent = `sent "${step.line}"${step.context ? ` in ${step.context.kind} ${step.context.id}` : ""}`;
      if (removing) return `${sent}, the router still shows "${shown}"`;
      return shown === undefined
        ? `${sent}, the router does not show it`
        : `${sent}, the router shows "${shown}"`;
    });
    throw new VerificationError(
      `after sending, "show config" still differs: ${differences.join("; ")}`,
    );
  }

  async save(): Promise<void> {
    const output = await this.session.command("save", this.options.longTimeoutMs);
    const error = findErrorLine(output);
    if (error) throw new RtxError(`"save" failed: ${error}`);
  }

  /** Sends the undo lines of what was sent, newest first; says what happened. */
  async undo(): Promise<string> {
    if (this.sentSteps.length === 0 && !this.openContext)
      return "nothing had been changed; nothing was saved";
    if (this.session.isClosed)
      return "the connection is gone, so nothing could be undone; nothing was saved";
    const wire = [
      ...(this.openContext ? ["tunnel select none"] : []),
      ...undoLines(this.sentSteps),
    ];
    const failures: string[] = [];
    for (const line of wire) {
      try {
        await sendConfigLine(this.session, line);
      } catch (error) {
        failures.push((error as Error).message);
        if (this.session.isClosed) break;
      }
    }
    this.log(`undo: sent ${wire.length} line(s), ${failures.length} failed`);
    return failures.length === 0
      ? `undid ${this.sentSteps.length} change(s); nothing was saved`
      : `undo incomplete (${failures.join("; ")}); nothing was saved`;
  }

  /** Undo, restore the console, leave admin mode answering N, log out. */
  async cleanUpAfter(error: Error): Promise<Error> {
    this.session.phase = "undo";
    const outcome = await this.undo();
    if (!this.session.isClosed) {
      try {
        await this.guard.restore();
        await this.session.close();
      } catch (cleanupError) {
        this.log(`cleanup: ${(cleanupError as Error).message}`);
      }
    }
    this.session.destroy();
    const known = error instanceof RtxError;
    const message = this.session.safe(
      `${known ? error.message : `unexpected error: ${error.message}`}; ${outcome}`,
    );
    return error instanceof ConnectionLostError
      ? new ConnectionLostError(message)
      : new RtxError(message);
  }
}

function previousInfo(previous: PreviousList): PreviousInfo {
  return {
    source: previous.source,
    lines: previous.commands.length,
    ...(previous.note ? { note: previous.note } : {}),
  };
}

interface SaveRecord {
  bootConfig?: string;
  unsavedChanges?: string[];
  backup?: { from: string; to: string };
  spare?: string;
  spareOwned?: string;
}

/** Runs apply or remove; resolves with the summary, rejects with an RtxError (already undone). */
export async function runRtx(options: RunOptions): Promise<Summary> {
  const started = Date.now();
  parseCommandList(options.commands);
  const run = new Run(await RtxSession.open(options), options);
  const session = run.session;
  let saved = false;
  let plan: Plan;
  const record: SaveRecord = {};
  try {
    session.phase = "admin";
    await session.enterAdmin();
    session.phase = "console";
    await run.guard.prepare();
    session.phase = "read";
    plan = await run.readPlan();
    const changing = allSteps(plan).length > 0;
    if (changing) {
      record.bootConfig = await run.readBootFile();
      const accepted = await run.checkUnsaved(record.bootConfig);
      if (accepted.length > 0) record.unsavedChanges = accepted;
      if (options.backupConfig) record.spare = await checkSpare(session, options);
    }
    if (changing && !options.dryRun) {
      session.phase = "change";
      await run.send(allSteps(plan));
      session.phase = "verify";
      await run.verify();
    }
    session.phase = "console";
    await run.guard.restore();
    if (changing && !options.dryRun) {
      session.phase = "save";
      const boot = record.bootConfig ?? "0";
      if (options.backupConfig) {
        await run.backup(boot, options.backupConfig);
        record.backup = { from: boot, to: options.backupConfig };
        record.spareOwned = options.backupConfig;
      }
      await run.save();
      saved = true;
    }
    session.phase = "close";
    await session.close();
  } catch (error) {
    if (saved) {
      session.destroy();
      throw error;
    }
    throw await run.cleanUpAfter(error as Error);
  }
  const roundTrips = Object.values(session.roundTrips).reduce((a, b) => a + b, 0);
  return {
    action: options.action,
    host: options.host,
    changed: saved,
    dryRun: options.dryRun === true,
    sent: run.sent,
    ...(options.dryRun ? { planned: renderWithContexts(allSteps(plan)) } : {}),
    ...(options.action === "apply" ? { commands: options.commands } : {}),
    ...(options.previous ? { previous: previousInfo(options.previous) } : {}),
    stale: renderWithContexts(plan.stale),
    unchanged: plan.unchanged,
    skipped: plan.skipped,
    secureFilter: plan.secureFilter,
    ...carriedSpare(options),
    ...record,
    saved,
    roundTrips,
    roundTripsByPhase: { ...session.roundTrips },
    showConfigReads: run.reads,
    durationMs: Date.now() - started,
  };
}
