/**
 * apply / remove a desired command list on a YAMAHA RTX (docs/rtx.md): check the list before
 * connecting, read `show config`, plan (every refusal happens there), make sure `save` would
 * store nothing but this run's change, send only what differs (in its `tunnel select` context),
 * verify with a second `show config`, restore the console settings, keep the previous saved
 * configuration in the spare file the user named, then `save`. On any error, undo what was
 * sent, newest first, and leave administrator mode without saving.
 *
 * Around the change (docs/rtx.md, "Changes that take themselves back"): nobody else in
 * administrator mode (concurrent.ts); a revert armed before the first line (revert.ts); the
 * result read over a new connection and compared with the first read (confirm.ts) before the
 * schedule is cancelled, the change confirmed and saved; the saved text checked for our schedule.
 */
import { sendConfigLine } from "./config-line";
import { ConsoleGuard } from "./console-guard";
import { describeUser, foreignChanges, otherAdministrators, parseStatusUser } from "./concurrent";
import { readFromNewConnection } from "./confirm";
import {
  ConcurrentChangeError,
  ConnectionLostError,
  ForeignSessionError,
  RevertPendingError,
  RtxError,
  UnsafeConfigError,
  VerificationError,
} from "./errors";
import { capabilities, describeFirmware, Firmware, parseFirmware } from "./firmware";
import {
  chooseProtections,
  checkSavedText,
  DEFAULT_REVERT_SECONDS,
  isOurSchedule,
  Revert,
  REVERT_SCHEDULE_ID,
  RevertInfo,
  scheduleWithId,
} from "./revert";
import { waitForRevert } from "./revert-wait";
import { ConfigLine, indexByKey, makeLine, parseCommandList } from "./model";
import { Plan, planApply, planRemove, SecureFilterOutcome } from "./plan";
import { RtxSession, SessionOptions } from "./session";
import type { PreviousList } from "./previous";
import type { AdoptSpec } from "./adopt";
import { carriedSpare, checkSpare } from "./backup-check";
import { parseShowConfig } from "./show-config";
import { findErrorLine } from "./terminal";
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
  /** The window after which an unconfirmed change takes itself back (default 300 s). */
  revertAfterSeconds?: number;
  /** Change firmware that has no way back (neither rollback timer nor relative schedule). */
  noRevert?: boolean;
  /** How often the first session reads while it waits for a revert (default 5 s). */
  revertPollMs?: number;
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
  /** The way back this run armed before its first change (absent when nothing changed). */
  revert?: RevertInfo;
  /** The spare file backupConfig overwrites, and what it held (before any change). */
  spare?: string;
  /** The spare file this stack's applies wrote (carried from the previous summary). */
  spareOwned?: string;
  saved: boolean;
  roundTrips: number;
  roundTripsByPhase: Record<string, number>;
  /** Milliseconds by phase (the second connection runs inside "confirm"). */
  durationByPhaseMs: Record<string, number>;
  showConfigReads: number;
  durationMs: number;
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
  /** The error was handled where it arose (session closed, message complete). */
  done = false;
  reads = 0;
  /** The router's configuration as last read. */
  current: ConfigLine[] = [];
  /** The configuration as first read: what a concurrent change is measured against. */
  firstRead: ConfigLine[] = [];
  /** Our schedule line left by an earlier run that was cut before its save. */
  leftover: ConfigLine | null = null;
  revert: Revert | null = null;
  revertInfo: RevertInfo | undefined;
  /** Round trips of the second connection. */
  secondRoundTrips = 0;

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
    return this.plan();
  }

  /** The plan against the configuration last read. */
  plan(): Plan {
    return this.options.action === "apply"
      ? planApply(this.options.commands, this.current, {
          previous: this.options.previous?.commands,
          adopt: this.options.adopt,
        })
      : planRemove(this.options.commands, this.current);
  }

  /** The boot configuration's file number ("0" when it names none) and the firmware. */
  async readEnvironment(): Promise<{ boot: string; firmware: Firmware | null }> {
    const output = await this.session.command("show environment", this.options.longTimeoutMs);
    return { boot: bootConfigFile(output) ?? "0", firmware: parseFirmware(output) };
  }

  /** Refuses, before anything but reads, when another session is in administrator mode. */
  async checkOtherSessions(): Promise<void> {
    const output = await this.session.command("show status user");
    const others = otherAdministrators(parseStatusUser(output));
    if (others.length === 0) return;
    throw new ForeignSessionError(
      `another session is in administrator mode: ${others.map(describeUser).join("; ")} ` +
        "(show status user); someone may be editing, so this run changes nothing. " +
        "Try again when they have left administrator mode",
    );
  }

  /** Our leftover schedule (id and command), or a refusal when someone else's holds our id. */
  findLeftover(): void {
    const line = scheduleWithId(this.current, REVERT_SCHEDULE_ID);
    if (!line) return;
    if (!isOurSchedule(line)) {
      throw new UnsafeConfigError(
        `schedule id ${REVERT_SCHEDULE_ID} holds "${line.text}", which is not this client's; it ` +
          "needs that id for the revert it arms before changing anything. Free the id on the router",
      );
    }
    this.leftover = line;
    this.log(`found our schedule of an earlier, interrupted run: "${line.text}"`);
  }

  /** Arms the way back before the first change; refuses firmware with none unless opted out. */
  async arm(firmware: Firmware | null, bootFile: string): Promise<void> {
    const seconds = this.options.revertAfterSeconds ?? DEFAULT_REVERT_SECONDS;
    const noRevert = this.options.noRevert === true;
    const kinds = chooseProtections(capabilities(firmware), firmware, noRevert);
    this.revert = new Revert(this.session, kinds, seconds, bootFile);
    this.revertInfo = {
      protections: kinds,
      windowSeconds: seconds,
      firmware: describeFirmware(firmware),
      ...(kinds.includes("schedule") ? { scheduleId: REVERT_SCHEDULE_ID } : {}),
      ...(kinds.length === 0 ? { optedOut: true } : {}),
      ...(this.leftover ? { leftover: true } : {}),
    };
    await this.revert.arm();
    this.log(
      kinds.length > 0
        ? `armed ${kinds.join(" and ")}: the router reverts by itself at ${this.revert.describeTime()} unless confirmed`
        : "no way back on this firmware (--no-revert)",
    );
  }

  /** Keys this run set or removed: a change there is ours, not someone else's. */
  private ourKeys(): Set<string> {
    return new Set(
      this.sentSteps.map(
        (step) => makeLine(step.line.replace(/^no\s+/i, ""), step.context ?? null).key,
      ),
    );
  }

  /**
   * A new connection reads the configuration: it must hold what we intended, and nothing that
   * is not ours may have changed since the first read. Throws (already handled) otherwise.
   */
  async confirmFromNewConnection(): Promise<void> {
    let lines: ConfigLine[];
    try {
      const read = await readFromNewConnection(this.options, this.options.longTimeoutMs);
      this.secondRoundTrips += read.roundTrips;
      lines = read.lines;
    } catch (error) {
      throw await this.leaveToRevert(
        `cannot open a new connection to confirm the change (${this.session.safe((error as Error).message)}); ` +
          "the change may have cut the management path, so it was not confirmed",
      );
    }
    const foreign = foreignChanges(
      this.firstRead,
      lines,
      this.ourKeys(),
      (l) => /^console$/i.test(l.tokens[0] ?? "") || l.key === `|schedule at ${REVERT_SCHEDULE_ID}`,
    );
    if (foreign.length > 0) throw await this.backOutConcurrent(foreign);
    this.current = lines;
    const again = this.plan();
    if (allSteps(again).length > 0) {
      throw new VerificationError(
        `the configuration read over a new connection does not hold what was sent (${renderWithContexts(allSteps(again)).join("; ")})`,
      );
    }
    if (this.revertInfo) this.revertInfo.confirmedFrom = "second-connection";
  }

  settleRevert(revert: Revert, complete: boolean): Promise<string> {
    return settleRevertOf(this, revert, complete);
  }

  /** Someone changed lines that are not ours: take ours back now, keep theirs, save nothing. */
  private async backOutConcurrent(foreign: string[]): Promise<Error> {
    this.session.phase = "undo";
    const outcome = await this.undo();
    let kept = "";
    if (!this.session.isClosed && !/incomplete/.test(outcome)) {
      await this.revert?.disarm();
      await this.guard.restore();
      await this.session.close();
      kept = "; the revert was cancelled so their change stays as they left it (unsaved)";
    } else if (this.revert?.revertsAt) {
      kept = `; the router reverts by itself at ${this.revert.describeTime()}, which takes their unsaved change back too`;
    }
    this.session.destroy();
    this.done = true;
    return new ConcurrentChangeError(
      this.session.safe(
        `lines that are not ours changed while this run worked (${foreign.join(", ")}): someone ` +
          `else is editing, so this run ${outcome.replace(/; nothing was saved$/, "")} and saved nothing${kept}`,
      ),
    );
  }

  /** Puts the console settings back and closes, logging (as `what`) rather than throwing; then drops the session. */
  private async closeQuietly(what: string): Promise<void> {
    if (!this.session.isClosed) {
      try {
        await this.guard.restore();
        await this.session.close();
      } catch (error) {
        this.log(`${what}: ${(error as Error).message}`);
      }
    }
    this.session.destroy();
  }

  /**
   * Not confirmed: the armed revert takes the change back. Waits on the first session (its
   * flows survive a filter change) until the change is gone, then leaves without saving.
   */
  async leaveToRevert(reason: string): Promise<Error> {
    this.session.phase = "revert";
    const revert = this.revert;
    let outcome: string;
    if (!revert?.revertsAt) {
      const undone = await this.undo();
      outcome = `no revert was armed (--no-revert), so it was undone from the first session: ${undone}`;
    } else {
      const when = revert.describeTime();
      const seen = await waitForRevert(this.session, revert.revertsAt, this.sentSteps, {
        pollMs: this.options.revertPollMs ?? 5000,
        timeoutMs: this.options.longTimeoutMs,
        log: (m) => this.log(m),
      });
      outcome = `the router reverts by itself at ${when} (${revert.kinds.join(" and ")}); ${seen}`;
    }
    await this.closeQuietly("close");
    this.done = true;
    return new RevertPendingError(this.session.safe(`${reason}. ${outcome}; nothing was saved`));
  }

  /**
   * Refuses before any change when the running configuration differs from the saved one in a
   * way our lists do not explain: `save` would make someone's unsaved work permanent too.
   */
  async checkUnsaved(bootFile: string): Promise<string[]> {
    const leftover = this.leftover ? [this.leftover] : [];
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
    this.guard.restoreToSaved(saved);
    const ours = [
      ...leftover,
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

  /** Whether the running configuration differs from the saved one by our lines only. */
  async oursUnsaved(bootFile: string): Promise<boolean> {
    const output = await this.session.commandWithPasswords(
      `show config ${bootFile}`,
      this.options.longTimeoutMs,
    );
    if (findErrorLine(output)) return false;
    const saved = parseShowConfig(output, { columns: this.session.columns });
    this.guard.restoreToSaved(saved);
    const ours = [
      ...parseCommandList(this.options.commands),
      ...parseCommandList(this.options.previous?.commands ?? []),
    ];
    const changes = unsavedChanges(this.current, saved);
    const foreign = unexplained(changes, this.current, saved, ours);
    if (changes.length === 0 || foreign.length > 0) return false;
    this.log(`${changes.length} unsaved change(s) of an earlier run of ours: saving them`);
    return true;
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

  /** Reads the saved file back: it must not hold our schedule (it would fire after a restart). */
  async checkSaved(bootFile: string): Promise<void> {
    const output = await this.session.commandWithPasswords(
      `show config ${bootFile}`,
      this.options.longTimeoutMs,
    );
    let file = bootFile;
    let text = output;
    if (findErrorLine(output)) {
      // Older firmware cannot show a saved file: the running text just saved is checked instead.
      text = await this.session.command("show config", this.options.longTimeoutMs);
      file = "(the running configuration just saved)";
    }
    const saved = parseShowConfig(text, { columns: this.session.columns });
    checkSavedText(saved, REVERT_SCHEDULE_ID, file);
    // A revert that ran before the save (a window shorter than the run) saved the old state.
    this.current = saved;
    const missing = allSteps(this.plan());
    if (missing.length > 0) {
      throw new RtxError(
        `the saved configuration ${file} does not hold the change (${renderWithContexts(missing).join("; ")}): ` +
          "the revert ran before the save (is the window shorter than a run?), so the router holds, " +
          "and has saved, the configuration as it was; run again with a longer --revert-after",
      );
    }
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
    if (this.done) return error;
    this.session.phase = "undo";
    let outcome = await this.undo();
    const complete = !/incomplete|connection is gone/.test(outcome);
    const revert = this.revert;
    if (revert?.revertsAt && !this.session.isClosed && !complete) {
      return this.leaveToRevert(this.session.safe(`${error.message}; ${outcome}`));
    }
    if (revert?.revertsAt) outcome += await this.settleRevert(revert, complete);
    await this.closeQuietly("cleanup");
    const known = error instanceof RtxError;
    const message = this.session.safe(
      `${known ? error.message : `unexpected error: ${error.message}`}; ${outcome}`,
    );
    return error instanceof ConnectionLostError
      ? new ConnectionLostError(message)
      : new RtxError(message);
  }
}

/**
 * After an undo: a complete undo (and no earlier run's leftover to take back) cancels the revert;
 * otherwise it stays armed. Returns what to add to the message.
 */
async function settleRevertOf(run: Run, revert: Revert, complete: boolean): Promise<string> {
  const session = run.session;
  if (!session.isClosed && complete && !run.leftover) {
    try {
      await revert.disarm();
      return "; the armed revert was cancelled";
    } catch (error) {
      run.log(`cancelling the revert: ${(error as Error).message}`);
    }
  }
  if (revert.scheduleArmed) {
    return `; the router reverts by itself at ${revert.describeTime()} (schedule at ${revert.id})`;
  }
  return session.isClosed
    ? "; the rollback timer stops when the session ends, so check the router"
    : `; the rollback timer takes it back at ${revert.describeTime()}`;
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
    session.phase = "users";
    await run.checkOtherSessions();
    session.phase = "console";
    await run.guard.prepare();
    session.phase = "read";
    plan = await run.readPlan();
    run.firstRead = run.current;
    run.findLeftover();
    let changing = allSteps(plan).length > 0 || run.leftover !== null;
    let firmware: Firmware | null = null;
    if (!changing && !options.dryRun) {
      session.phase = "unsaved";
      // Nothing to send, but a run cut between cancelling its schedule and saving leaves our
      // lines unsaved: they are saved now (with the same protection), or lost at the next restart.
      const environment = await run.readEnvironment();
      changing = await run.oursUnsaved(environment.boot);
    }
    if (changing) {
      const environment = await run.readEnvironment();
      record.bootConfig = environment.boot;
      firmware = environment.firmware;
      const accepted = await run.checkUnsaved(record.bootConfig);
      if (accepted.length > 0) record.unsavedChanges = accepted;
      if (options.backupConfig) record.spare = await checkSpare(session, options);
    }
    if (changing && !options.dryRun) {
      session.phase = "arm";
      await run.arm(firmware, record.bootConfig ?? "0");
      if (run.leftover) {
        // The earlier run's schedule could have run before ours replaced it: plan again.
        session.phase = "read";
        plan = await run.readPlan();
        run.firstRead = run.current;
      }
      session.phase = "change";
      await run.send(allSteps(plan));
      session.phase = "verify";
      await run.verify();
      session.phase = "confirm";
      await run.confirmFromNewConnection();
    }
    session.phase = "console";
    await run.guard.restore();
    if (changing && !options.dryRun) {
      session.phase = "save";
      await run.revert?.cancelSchedule();
      const boot = record.bootConfig ?? "0";
      if (options.backupConfig) {
        await run.backup(boot, options.backupConfig);
        record.backup = { from: boot, to: options.backupConfig };
        record.spareOwned = options.backupConfig;
      }
      await run.save();
      saved = true;
      await run.checkSaved(boot);
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
  const roundTrips =
    Object.values(session.roundTrips).reduce((a, b) => a + b, 0) + run.secondRoundTrips;
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
    ...(run.revertInfo ? { revert: run.revertInfo } : {}),
    saved,
    roundTrips,
    roundTripsByPhase: {
      ...session.roundTrips,
      ...(run.secondRoundTrips ? { "second-connection": run.secondRoundTrips } : {}),
    },
    showConfigReads: run.reads,
    durationByPhaseMs: { ...session.phaseMs },
    durationMs: Date.now() - started,
  };
}
