/**
 * The fake router's ways back, as the command reference (Rev.23.02.02) describes them; the source
 * of each behaviour is named next to it. Where the reference is silent the fake takes the
 * pessimistic reading and says so.
 *
 * - `rollback timer <s>` (56.7.31) and `load … rollback-timer=<s>` (56.7.30): when the timer runs
 *   out, the configuration goes back to what it was when the timer started. Stopped by `confirm`
 *   (56.7.32), `save`, logging out with `quit`/`exit`, `restart`, a `load` without a timer. One
 *   timer per console; the last one set wins.
 * - An abrupt SSH drop is not documented: the fake cancels that console's timer (pessimistic: the
 *   change stays), so only a session-independent revert protects a cut session.
 * - `schedule at <id> +<s> * <command>` (37.1): runs the command once, 1..3600 s later, with no
 *   session. The line is configuration: `save` stores it, and after `restart` a saved relative
 *   schedule counts again from boot. `load` is one of the commands it may run.
 * - `load [config] <n> difference …`: the running configuration becomes file n (the fake makes
 *   the result of a difference update and a replacement the same).
 * - Firmware revisions without these commands (notes of 56.7.30-32 and 37.1).
 * - `show status user` (58.47): the reference's English display example, column for column.
 */
import { FakeConfig } from "./fake-config";

/** Version strings the fake can run, e.g. "RTX1210 Rev.14.01.42". */
export interface Firmware {
  model: string;
  revision: number[];
}

export function parseFirmware(text: string): Firmware {
  const m = /^(\S+) Rev\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m) throw new Error(`fake: bad firmware "${text}"`);
  return { model: m[1], revision: [Number(m[2]), Number(m[3]), Number(m[4])] };
}

function atLeast(firmware: Firmware, minimum: string): boolean {
  const min = minimum.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    if (firmware.revision[i] !== min[i]) return firmware.revision[i] > min[i];
  }
  return true;
}

/** Models the reference lists for chapter 56.7.30-32 and 37.1 ("[適用モデル]"). */
const LISTED = [
  "RTX5000",
  "RTX3510",
  "RTX3500",
  "RTX1300",
  "RTX1220",
  "RTX1210",
  "RTX840",
  "RTX830",
];

function listed(firmware: Firmware): boolean {
  return LISTED.includes(firmware.model) || firmware.model.startsWith("vRX");
}

/** `rollback timer`, `confirm`, `load`: 56.7.31/32 notes (RTX5000/3500 14.00.26, RTX1210 14.01.26, RTX830 15.02.03). */
export function fakeHasRollback(firmware: Firmware): boolean {
  if (!listed(firmware)) return false;
  const from: Record<string, string> = {
    RTX5000: "14.00.26",
    RTX3500: "14.00.26",
    RTX1210: "14.01.26",
    RTX830: "15.02.03",
  };
  return from[firmware.model] === undefined || atLeast(firmware, from[firmware.model]);
}

/**
 * `schedule at <id> +<s>`: 37.1 notes, forms 5-7 missing on RTX5000/3500 <= 14.00.31, RTX1220
 * <= 15.04.03, RTX1210 <= 14.01.40, RTX830 <= 15.02.02.
 */
export function fakeHasRelativeSchedule(firmware: Firmware): boolean {
  if (!listed(firmware)) return false;
  const from: Record<string, string> = {
    RTX5000: "14.00.32",
    RTX3500: "14.00.32",
    RTX1220: "15.04.04",
    RTX1210: "14.01.41",
    RTX830: "15.02.03",
  };
  return from[firmware.model] === undefined || atLeast(firmware, from[firmware.model]);
}

/**
 * Commands 37.1 says `schedule at` cannot run (the ones the client could think of); the fake
 * refuses them when typed. Syntax errors in the command only show when it runs (37.1 note).
 */
const UNSCHEDULABLE =
  /^(administrator|confirm|console|copy|exit|quit|save|schedule at|rollback timer|show|login|delete|date|time)\b/;

export function fakeSchedulable(command: string, firmware: Firmware): boolean {
  if (UNSCHEDULABLE.test(command) && !/^console (info|prompt)\b/.test(command)) return false;
  // `load` may be scheduled except on RTX5000/3500 <= 14.00.25, RTX1210 <= 14.01.27, RTX830 <= 15.02.02.
  if (/^load\b/.test(command)) {
    const from: Record<string, string> = {
      RTX5000: "14.00.26",
      RTX3500: "14.00.26",
      RTX1210: "14.01.28",
      RTX830: "15.02.03",
    };
    const min = from[firmware.model];
    return min === undefined || atLeast(firmware, min);
  }
  return true;
}

/** A `load` line the fake understands: `load [config] <n> [difference] [silent] … [rollback-timer=<s>]`. */
export interface LoadCommand {
  file: string;
  rollbackSeconds?: number;
}

export function parseLoad(line: string): LoadCommand | "invalid-parameter" | null {
  const tokens = line.split(/\s+/);
  if (tokens[0] !== "load") return null;
  let rest = tokens.slice(1);
  if (rest[0] === "config") rest = rest.slice(1);
  const file = rest.shift();
  if (!file || !/^[0-4](\.[12])?$/.test(file)) return "invalid-parameter";
  const allowed = ["difference", "silent", "no-configure-refresh", "no-key-generate"];
  let rollbackSeconds: number | undefined;
  for (const option of rest) {
    const timer = /^rollback-timer=(\d+)$/.exec(option);
    if (timer && +timer[1] >= 120 && +timer[1] <= 21474836) rollbackSeconds = +timer[1];
    else if (!allowed.includes(option)) return "invalid-parameter";
  }
  return { file, rollbackSeconds };
}

/** A relative schedule: `schedule at <id> +<seconds> * <command>`. */
export interface RelativeSchedule {
  id: string;
  seconds: number;
  command: string;
}

export function parseRelativeSchedule(line: string): RelativeSchedule | null {
  const m = /^schedule at (\d+) \+(\d+) \* (.+)$/.exec(line);
  return m ? { id: m[1], seconds: Number(m[2]), command: m[3] } : null;
}

/** A login shown by `show status user`. */
export interface StatusUser {
  name: string;
  /** "serial", "remote", "telnet1", "ssh1" … (the reference shows serial, remote, telnetN). */
  connection: string;
  login: Date;
  admin: boolean;
  address?: string;
  radius?: boolean;
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * 58.47's English example:
 *    (*: current user, +: administrator mode, @: authenticated via RADIUS)
 *    username        connection login time   idle       IP address
 * -------------------------------------------------------------------------------
 *    user-local      serial     09/16 10:21  0:02:08
 * *+@user-radius1    telnet1    09/16 10:22  0:00:00    192.168.0.100
 */
export function showStatusUser(users: StatusUser[], self: StatusUser): string[] {
  const rows = users.map((u) => {
    const flags = `${u === self ? "*" : " "}${u.admin ? "+" : " "}${u.radius ? "@" : " "}`;
    const login = `${two(u.login.getMonth() + 1)}/${two(u.login.getDate())} ${two(u.login.getHours())}:${two(u.login.getMinutes())}`;
    const idle = u === self ? "0:00:00" : "0:01:07";
    return `${flags}${u.name.padEnd(16)}${u.connection.padEnd(11)}${login}  ${idle.padEnd(11)}${u.address ?? ""}`.trimEnd();
  });
  return [
    "   (*: current user, +: administrator mode, @: authenticated via RADIUS)",
    "   username        connection login time   idle       IP address",
    "-".repeat(79),
    ...rows,
  ];
}

/**
 * Router time: `scale` real milliseconds per router millisecond (0.002: 300 s in 0.6 s), and
 * `elapse()` to let every pending window pass at once, in the order the timers are due.
 */
export class FakeClock {
  private readonly timers = new Map<NodeJS.Timeout, { due: number; fire: () => void }>();
  constructor(readonly scale: number) {}

  after(seconds: number, fire: () => void): NodeJS.Timeout {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        fire();
      },
      seconds * 1000 * this.scale,
    );
    this.timers.set(timer, { due: Date.now() + seconds * 1000, fire });
    return timer;
  }

  cancel(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** The router's time runs on past every pending timer (one that a fired one cancels stays cancelled). */
  elapse(): void {
    const due = [...this.timers.entries()].sort((a, b) => a[1].due - b[1].due);
    for (const [timer, entry] of due) {
      if (!this.timers.has(timer)) continue;
      this.cancel(timer);
      entry.fire();
    }
  }

  stopAll(): void {
    for (const timer of this.timers.keys()) clearTimeout(timer);
    this.timers.clear();
  }
}

/** One console's rollback timer: the configuration of the moment it started. */
export interface RollbackTimer {
  timer: NodeJS.Timeout;
  snapshot: FakeConfig;
}
