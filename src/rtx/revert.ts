/**
 * The way back armed before the first change (docs/rtx.md, "Changes that take themselves back").
 * Two parts, from the command reference Rev.23.02.02:
 * - `schedule at <id> +<seconds> * load config <boot> difference silent no-key-generate` (37.1,
 *   56.7.30): runs with no session, so a cut session or a lock-out still reverts; the load puts
 *   the running configuration back to the saved file it boots from — our schedule line with it.
 *   `no-key-generate` keeps the SSH host key (without it a config holding `sshd host key
 *   generate` would get a new key, and every pinned client would be refused).
 * - `rollback timer <seconds>` (56.7.31): the console's own timer; it stops when the session
 *   logs out, and what a drop does is undocumented, so it only guards a session that stays.
 * Neither may ever be saved: the schedule is cancelled before `save`, and the saved text checked.
 */
import { sendConfigLine } from "./config-line";
import { RtxError, UnsafeConfigError } from "./errors";
import { Capabilities, describeFirmware, Firmware } from "./firmware";
import { ConfigLine } from "./model";
import { RtxSession } from "./session";

/** The schedule id this client owns; it refuses to touch one that holds anything else. */
export const REVERT_SCHEDULE_ID = "99";
export const DEFAULT_REVERT_SECONDS = 300;
/** 37.1 allows 1..3600 s; a minute is the least a real apply and its check need. */
export const MIN_REVERT_SECONDS = 60;
export const MAX_REVERT_SECONDS = 3600;

export type ProtectionKind = "schedule" | "rollback-timer";

/** What the summary says about the way back. */
export interface RevertInfo {
  /** The protections armed before the first change (empty with `--no-revert`). */
  protections: ProtectionKind[];
  windowSeconds: number;
  firmware: string;
  scheduleId?: string;
  /** The user opted out (`--no-revert`) on firmware with neither. */
  optedOut?: boolean;
  /** A leftover schedule of an earlier run was found and replaced. */
  leftover?: boolean;
  /** Where the change was confirmed from. */
  confirmedFrom?: "second-connection";
}

export function revertCommand(bootFile: string): string {
  return `load config ${bootFile} difference silent no-key-generate`;
}

export function scheduleLine(id: string, seconds: number, bootFile: string): string {
  return `schedule at ${id} +${seconds} * ${revertCommand(bootFile)}`;
}

/** The `schedule at <id>` line in a configuration, if any. */
export function scheduleWithId(lines: ConfigLine[], id: string): ConfigLine | undefined {
  return lines.find((l) => !l.context && l.key === `|schedule at ${id}`);
}

/** Our schedule: our id, a relative time, and our command (any boot file). */
export function isOurSchedule(line: ConfigLine, id: string = REVERT_SCHEDULE_ID): boolean {
  return new RegExp(
    `^schedule at ${id} \\+\\d+ \\* load config \\d(?:\\.\\d)? difference silent no-key-generate$`,
  ).test(line.tokens.join(" "));
}

/** Which protections run on this firmware; none without the user's word is a refusal. */
export function chooseProtections(
  caps: Capabilities,
  firmware: Firmware | null,
  noRevert: boolean,
): ProtectionKind[] {
  const kinds: ProtectionKind[] = [];
  if (caps.relativeSchedule) kinds.push("schedule");
  if (caps.rollbackTimer) kinds.push("rollback-timer");
  if (kinds.length === 0 && !noRevert) {
    throw new UnsafeConfigError(
      `${describeFirmware(firmware)} has neither "rollback timer" nor "schedule at <id> +<seconds>" ` +
        "(command reference 56.7.31, 37.1), so a change that cuts the management path could not " +
        "take itself back; nothing was sent. Update the firmware, or pass --no-revert " +
        "(stack: rtx.noRevert) to change it without a way back",
    );
  }
  return kinds;
}

/** The armed protections of one run, on its first session. */
export class Revert {
  /** When the router reverts by itself (local clock), once armed. */
  revertsAt: Date | null = null;
  scheduleArmed = false;
  timerArmed = false;

  constructor(
    private readonly session: RtxSession,
    readonly kinds: ProtectionKind[],
    readonly seconds: number,
    readonly bootFile: string,
    readonly id: string = REVERT_SCHEDULE_ID,
  ) {}

  /**
   * The schedule first, then the timer: the timer's snapshot then holds the pending schedule,
   * and the scheduled load (a load without a timer) stops the timer when it runs.
   */
  async arm(): Promise<void> {
    const started = Date.now();
    if (this.kinds.includes("schedule")) {
      await sendConfigLine(this.session, scheduleLine(this.id, this.seconds, this.bootFile));
      this.scheduleArmed = true;
    }
    if (this.kinds.includes("rollback-timer")) {
      await sendConfigLine(this.session, `rollback timer ${this.seconds}`);
      this.timerArmed = true;
    }
    if (this.kinds.length > 0) this.revertsAt = new Date(started + this.seconds * 1000);
  }

  /**
   * Before `save`: cancels the schedule (a saved one would fire after every restart). The timer
   * stays armed until `save` stops it (56.7.31), so a drop between the two still has the timer
   * wherever a drop does not stop it.
   */
  async cancelSchedule(): Promise<void> {
    if (!this.scheduleArmed) return;
    await sendConfigLine(this.session, `no schedule at ${this.id}`);
    this.scheduleArmed = false;
  }

  /** Cancels the schedule and makes the running configuration final (not saved): `confirm`. */
  async disarm(): Promise<void> {
    await this.cancelSchedule();
    if (this.timerArmed) {
      await sendConfigLine(this.session, "confirm");
      this.timerArmed = false;
    }
    this.revertsAt = null;
  }

  /** "at 12:34:56 UTC (in 300 s)" */
  describeTime(): string {
    if (!this.revertsAt) return "never (no protection was armed)";
    const left = Math.max(0, Math.round((this.revertsAt.getTime() - Date.now()) / 1000));
    return `${this.revertsAt.toISOString()} (in ${left} s)`;
  }
}

/** The saved text must never hold our schedule: it would fire after every restart. */
export function checkSavedText(saved: ConfigLine[], id: string, file: string): void {
  const line = scheduleWithId(saved, id);
  if (line && isOurSchedule(line, id)) {
    throw new RtxError(
      `the saved configuration ${file} holds "${line.text}", which would load the saved file ` +
        `again after every restart; remove it on the router ("no schedule at ${id}", then "save")`,
    );
  }
}
