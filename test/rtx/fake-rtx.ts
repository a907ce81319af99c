/**
 * A fake YAMAHA RTX SSH server on 127.0.0.1, behaving as docs/rtx.md and the command reference describe: exec refused,
 * one session channel per connection, a PTY shell with a banner whose first input line is lost,
 * named or unnamed prompts with a context suffix after `tunnel select`, `administrator` and its
 * password, paging, Shift_JIS Japanese or ASCII English, `show config`, `save`, the Y/N question
 * on leaving admin mode, and fault injection. The ways back — rollback timer, `confirm`, `load`,
 * relative `schedule at`, `restart`, firmware revisions without them, `show status user`, the
 * lock-out and the router's time scale — are in fake-revert.ts with their reference sections.
 */
import { Server, utils, Connection, ServerChannel } from "ssh2";
import { AddressInfo } from "net";
import { Context } from "../../src/rtx/model";
import { tokenize } from "../../src/rtx/normalize";
import { displayWidth } from "../../src/rtx/show-config";
import { ConsoleError, FakeConfig, validate } from "./fake-config";
import {
  fakeHasRelativeSchedule,
  fakeHasRollback,
  fakeSchedulable,
  FakeClock,
  Firmware,
  parseFirmware,
  parseLoad,
  parseRelativeSchedule,
  RollbackTimer,
  showStatusUser,
  StatusUser,
} from "./fake-revert";
import { showIpRoute, showStatusTunnel } from "./fake-status";
import { encodeShiftJis } from "./sjis";

export interface FakeRtxOptions {
  user?: string;
  password?: string;
  adminPassword?: string;
  /** Text before the mode character: "" (unnamed, the default), "RTX830", "[RTX1210] ". */
  promptName?: string;
  /** "tunnel1# " after the name, or "(tunnel1)# ". */
  contextStyle?: "plain" | "paren";
  /** Initial running (and saved) configuration, `show config` style. */
  config?: string[];
  /** Firmware without `show config | grep`. */
  noGrep?: boolean;
  /** The PTY echoes what is typed at `Password:` too (worst case for secret handling). */
  echoPasswords?: boolean;
  /** `console character` is refused, so the console stays Japanese (Shift_JIS). */
  refuseConsoleCharacter?: boolean;
  /** Older firmware without `show config N` (a saved file cannot be read). */
  noShowConfigFile?: boolean;
  /** Firmware that prints `option=value` parameters in its own order and leaves out defaults. */
  ownOptionOrder?: boolean;
  /** Firmware whose console refuses `console columns` (the width stays at 80). */
  refuseConsoleColumns?: boolean;
  /** Firmware that wraps `show config` at the full console width instead of one column before. */
  wrapAtFullWidth?: boolean;
  /** Lines newer firmware keeps but never prints in `show config`, being its defaults. */
  hiddenDefaults?: string[];
  /** Model and revision, e.g. "RTX1210 Rev.14.01.42" (the default): what it has, fake-revert.ts. */
  firmware?: string;
  /** Real milliseconds per router millisecond for timers (default 1; 0.002 runs 300 s in 0.6 s). */
  timeScale?: number;
  /**
   * A lock-out: while the running `ipv6 <IF> secure filter in` list of this interface differs from
   * the saved one, new connections are cut before the SSH handshake ends (sessions already open stay).
   */
  lockOutOnWanChange?: string;
}

export interface Faults {
  /** Answer this command (exact text) with an error instead of applying it. */
  reject?: string;
  /** Accept this command (exact text) silently but do not apply it: what verification is for. */
  ignore?: string;
  /** Apply this command, then drop the connection without answering (once). */
  dropAfter?: string;
  /** `save` takes this long. */
  saveDelayMs?: number;
  /** Drop the connection without answering after this many configuration lines (all sessions). */
  dropAfterConfigLines?: number;
  /** Called with each line a console receives, before it runs (a concurrent change, a test probe). */
  onCommand?: (line: string) => void;
}

const MESSAGES: Record<
  "en" | "ja",
  Record<ConsoleError | "password" | "save" | "question" | "more", string>
> = {
  en: {
    "invalid-command": "Error: Invalid command name",
    "parameter-count": "Error: Insufficient or too many parameters",
    "invalid-parameter": "Error: Invalid parameter",
    "no-tunnel-selected": "Error: Tunnel interface is not selected",
    password: "Password is incorrect.",
    save: "Saving ... CONFIG0 Done .",
    question: "Save new configuration ? (Y/N)",
    more: "---more---",
  },
  ja: {
    "invalid-command": "エラー: コマンド名が確認できません",
    "parameter-count": "エラー: パラメータの数が不適当です",
    "invalid-parameter": "エラー: パラメータが不適当です",
    "no-tunnel-selected": "エラー: トンネルインタフェースが選択されていません",
    password: "パスワードが違います。",
    save: "セーブ中... CONFIG0 終了",
    question: "設定を保存しますか? (Y/N)",
    more: "--- つづく ---",
  },
};

const header = (firmware: string) => [
  `# ${firmware} (Tue Jan 10 10:00:00 2023)`,
  "# MAC Address : 00:a0:de:00:00:01, 00:a0:de:00:00:02, 00:a0:de:00:00:03",
  "# Memory 256Mbytes, 3LAN, 1BRI",
  "# Reporting Date: Jan 1 00:00:00 2024",
];

/** One console session: line discipline, modes and the command interpreter. */
class Console {
  private input = "";
  private firstLineLost = false;
  private admin = false;
  private context: Context | null = null;
  private state: "line" | "password" | "question" | "more" | "file-password" = "line";
  /** `show config N` waiting for its login and administrator passwords. */
  private fileRead: { file: string; answers: string[] } | null = null;
  private pages: string[][] = [];
  private dirty = false;
  private queue: Promise<void> = Promise.resolve();
  /** This console's rollback timer (56.7.31: one per console). */
  rollback: RollbackTimer | null = null;
  readonly login: StatusUser;

  constructor(
    private readonly rtx: FakeRtx,
    private readonly stream: ServerChannel,
    private readonly client: Connection,
  ) {
    this.login = {
      name: rtx.user,
      connection: `ssh${rtx.consoles.size + 1}`,
      login: new Date(),
      admin: false,
      address: "127.0.0.1",
    };
  }

  begin(): void {
    this.rtx.consoles.add(this);
    // However the session ends — `quit`, `exit` or a drop — the timer stops: the reference names
    // logging out (56.7.31); a drop is not documented, and the fake takes the pessimistic side.
    this.client.on("close", () => {
      this.stopRollback();
      this.rtx.consoles.delete(this);
    });
    this.write(
      `\r\n${this.rtx.firmwareText} (Tue Jan 10 10:00:00 2023)\r\n  Copyright (c) 1994-2023 Yamaha Corporation.\r\n\r\n`,
    );
    this.write(this.prompt());
  }

  stopRollback(): void {
    if (!this.rollback) return;
    this.rtx.clock.cancel(this.rollback.timer);
    this.rollback = null;
  }

  /** 56.7.31: at expiry the configuration goes back to the moment the timer started. */
  private startRollback(seconds: number): void {
    this.stopRollback();
    const snapshot = this.rtx.running.clone();
    const timer = this.rtx.clock.after(seconds, () => {
      this.rollback = null;
      this.rtx.rollbacksFired++;
      this.rtx.replaceRunning(snapshot.clone());
    });
    this.rollback = { timer, snapshot };
  }

  /** Ends the connection as a cut would: no answer, no logout. */
  drop(): void {
    this.client.end();
  }

  private get language(): "en" | "ja" {
    const character = this.rtx.running.find("console character") ?? "console character ja.sjis";
    return /ascii/.test(character) ? "en" : "ja";
  }

  private write(text: string): void {
    if (this.stream.destroyed || !this.stream.writable) return;
    // The router keeps text (descriptions, comments) in Shift_JIS and prints it as such in
    // either console language; only its own messages change language.
    this.stream.write(encodeShiftJis(text));
  }

  private prompt(): string {
    const name = this.rtx.options.promptName ?? "";
    const mode = this.admin ? "#" : ">";
    if (!this.context) return `${name}${mode} `;
    const label = `${this.context.kind}${this.context.id}`;
    if (this.rtx.options.contextStyle === "paren") return `${name}(${label})${mode} `;
    return `${name}${name && !name.endsWith(" ") ? " " : ""}${label}${mode} `;
  }

  onData(data: Buffer): void {
    for (const ch of data.toString("latin1")) {
      if (this.state === "more") {
        this.queue = this.queue.then(() => this.nextPage(ch));
        continue;
      }
      if (ch === "\r" || ch === "\n") {
        if (ch === "\n" && this.input === "") continue;
        const line = this.input;
        this.input = "";
        this.queue = this.queue.then(() => this.onLine(line));
      } else this.input += ch;
    }
  }

  private async onLine(line: string): Promise<void> {
    if (!this.firstLineLost) {
      // The first line after the banner is lost, as on the real console.
      this.firstLineLost = true;
      return;
    }
    this.rtx.received.push(line);
    this.rtx.faults.onCommand?.(line);
    if (this.state === "password") return this.onPassword(line);
    if (this.state === "file-password") return this.onFilePassword(line);
    if (this.state === "question") return this.onQuestion(line);
    this.write(`${line}\r\n`);
    await this.execute(line.trim());
  }

  private onPassword(line: string): void {
    if (this.rtx.options.echoPasswords) this.write(`${line}\r\n`);
    else this.write("\r\n");
    this.state = "line";
    if (line === this.rtx.adminPassword) this.admin = true;
    else this.write(`${MESSAGES[this.language].password}\r\n`);
    this.login.admin = this.admin;
    this.write(this.prompt());
  }

  /** `show config N` asks for the login, then the administrator password (reference 57.2). */
  private onFilePassword(line: string): void {
    const read = this.fileRead as { file: string; answers: string[] };
    read.answers.push(line);
    this.write("\r\n");
    if (read.answers.length < 2) return this.write("Password: ");
    this.state = "line";
    this.fileRead = null;
    const [login, admin] = read.answers;
    if (login !== this.rtx.password || admin !== this.rtx.adminPassword) {
      return this.write(`${MESSAGES[this.language].password}\r\n${this.prompt()}`);
    }
    this.printConfig(this.rtx.savedFiles.get(read.file) as FakeConfig, null);
  }

  private onQuestion(line: string): void {
    this.write(`${line}\r\n`);
    this.state = "line";
    if (/^y/i.test(line)) {
      this.rtx.saved = this.rtx.running.clone();
      this.rtx.noteSaved();
    }
    this.leaveAdmin();
  }

  private leaveAdmin(): void {
    this.admin = false;
    this.login.admin = false;
    this.context = null;
    this.dirty = false;
    this.write(this.prompt());
  }

  private async execute(line: string): Promise<void> {
    const tokens = tokenize(line);
    const message = MESSAGES[this.language];
    if (line === "") return this.write(this.prompt());
    if (line === "administrator") {
      this.state = "password";
      return this.write("Password: ");
    }
    if (line === "exit" || line === "quit") return this.exit();
    if (/^show config(\s*\|\s*grep\s+(\S+))?$/.test(line)) return this.showConfig(line);
    const file = /^show config ([0-4](?:\.[12])?)$/.exec(line);
    if (file) return this.showSavedFile(file[1]);
    if (line === "show environment") return this.showEnvironment();
    const status = /^show status tunnel (\d+)$/.exec(line);
    if (status) return this.printLines(showStatusTunnel(this.rtx.running, status[1]));
    if (line === "show ip route")
      return this.printLines(showIpRoute(this.rtx.running, this.rtx.keepalivesDown));
    const copy = /^copy config ([0-4](?:\.[12])?) ([0-4])$/.exec(line);
    if (copy) return this.copyConfig(copy[1], copy[2]);
    if (line === "save") return this.save();
    if (this.revertCommand(line)) return;
    const selected =
      /^(tunnel|pp) select (\S+)$/.exec(line) ?? /^no (tunnel|pp) select$/.exec(line);
    if (selected) {
      this.context =
        selected[2] && selected[2] !== "none" ? { kind: selected[1], id: selected[2] } : null;
      return this.write(this.prompt());
    }
    const isConsole = tokens[0] === "console" || (tokens[0] === "no" && tokens[1] === "console");
    if (!this.admin && !isConsole)
      return this.write(`${message["invalid-command"]}\r\n${this.prompt()}`);
    const refused =
      this.rtx.faults.reject === line ||
      (this.rtx.options.refuseConsoleCharacter === true && /^console character/.test(line)) ||
      (this.rtx.options.refuseConsoleColumns === true && /^console columns/.test(line));
    const error = refused ? "invalid-parameter" : validate(tokens, this.context);
    if (error) return this.write(`${message[error]}\r\n${this.prompt()}`);
    if (this.rtx.faults.ignore === line) return this.write(this.prompt());
    this.rtx.running.apply(tokens, this.context);
    this.dirty = true;
    if (this.countLine() === "closed") return;
    if (this.rtx.faults.dropAfter === line) {
      this.rtx.faults.dropAfter = undefined;
      this.client.end();
      return;
    }
    this.write(this.prompt());
  }

  /**
   * `show status user`, `rollback timer`, `confirm`, `load`, `schedule at … +s`, `restart`:
   * answered here (true), or not one of them (false). Missing commands answer as old firmware does.
   */
  private revertCommand(line: string): boolean {
    const answer = this.revertAnswer(line);
    if (answer === null) return false;
    if (answer !== "closed")
      this.write(answer === "" ? this.prompt() : `${answer}\r\n${this.prompt()}`);
    return true;
  }

  /** The output of one of those commands ("" when silent), or null when the line is not one. */
  private revertAnswer(line: string): string | "closed" | null {
    const message = MESSAGES[this.language];
    if (line === "show status user")
      return showStatusUser(this.rtx.logins(), this.login).join("\r\n");
    const isRollback = /^rollback\b/.test(line) || line === "confirm" || /^load\b/.test(line);
    if (isRollback && !fakeHasRollback(this.rtx.firmware)) return message["invalid-command"];
    if ((isRollback || line === "restart") && !this.admin) return message["invalid-command"];
    const timer = /^rollback timer (\S+)$/.exec(line);
    if (timer) {
      const seconds = Number(timer[1]);
      if (!/^\d+$/.test(timer[1]) || seconds < 1 || seconds > 21474836)
        return message["invalid-parameter"];
      this.startRollback(seconds);
      return this.countLine();
    }
    if (/^rollback\b/.test(line)) return message["parameter-count"];
    if (line === "confirm") {
      this.stopRollback();
      return "";
    }
    const load = parseLoad(line);
    if (load === "invalid-parameter") return message["invalid-parameter"];
    if (load) {
      if (!this.rtx.savedFiles.has(load.file)) return message["invalid-parameter"];
      this.rtx.load(load.file, this);
      if (load.rollbackSeconds !== undefined) this.startRollback(load.rollbackSeconds);
      this.dirty = true;
      return "";
    }
    if (line === "restart") {
      this.rtx.restart();
      return "closed";
    }
    if (/^schedule at \S+ \+/.test(line)) return this.scheduleRelative(line);
    const cancel = /^no schedule at (\d+)$/.exec(line);
    if (cancel && this.admin) {
      this.rtx.running.apply(["no", "schedule", "at", cancel[1]], null);
      this.rtx.cancelSchedule(cancel[1]);
      this.dirty = true;
      return this.countLine();
    }
    return null;
  }

  /** 37.1: `schedule at <id> +<1..3600> * <command>`, on firmware that has the relative form. */
  private scheduleRelative(line: string): string {
    const message = MESSAGES[this.language];
    if (!this.admin) return message["invalid-command"];
    const schedule = parseRelativeSchedule(line);
    const firmware = this.rtx.firmware;
    if (
      !schedule ||
      !fakeHasRelativeSchedule(firmware) ||
      schedule.seconds < 1 ||
      schedule.seconds > 3600 ||
      !fakeSchedulable(schedule.command, firmware)
    )
      return message["invalid-parameter"];
    this.rtx.running.apply(line.split(" "), null);
    this.rtx.armSchedule(schedule.id, schedule.seconds, schedule.command);
    this.dirty = true;
    return this.countLine();
  }

  /** Counts a configuration line; drops the connection after the k-th (`dropAfterConfigLines`). */
  private countLine(): "" | "closed" {
    this.rtx.configLines++;
    if (this.rtx.configLines !== this.rtx.faults.dropAfterConfigLines) return "";
    this.rtx.faults.dropAfterConfigLines = undefined;
    this.drop();
    return "closed";
  }

  private exit(): void {
    this.stopRollback();
    if (!this.admin) {
      this.stream.close();
      this.client.end();
      return;
    }
    if (this.dirty) {
      this.state = "question";
      return this.write(`${MESSAGES[this.language].question} `);
    }
    this.leaveAdmin();
  }

  private showSavedFile(file: string): void {
    if (!this.admin)
      return this.write(`${MESSAGES[this.language]["invalid-command"]}\r\n${this.prompt()}`);
    if (!this.rtx.savedFiles.has(file) || this.rtx.options.noShowConfigFile)
      return this.write(`${MESSAGES[this.language]["invalid-parameter"]}\r\n${this.prompt()}`);
    this.rtx.showConfigs++;
    this.state = "file-password";
    this.fileRead = { file, answers: [] };
    this.write("Password: ");
  }

  /**
   * The lines the reference lists for `show environment` (57.1), in a modelled English wording:
   * the client relies only on a line naming the default (boot) configuration file.
   */
  private showEnvironment(): void {
    const boot = this.rtx.bootFile;
    this.write(
      [
        `${this.rtx.firmware.model} BootROM Ver. 1.04`,
        `${this.rtx.firmwareText} (Tue Jan 10 10:00:00 2023)`,
        "CPU:   1%(5sec)   1%(1min)   1%(5min)    Memory:  23% used",
        `Exec. Firmware: exec0  Exec. Config. File: config${boot}`,
        `Default Firmware: exec0  Default Config. File: config${boot}`,
        "Boot time: 2024/01/01 00:00:00 +09:00",
        this.prompt(),
      ].join("\r\n"),
    );
  }

  /** A show command's output, then the prompt (no paging: these outputs are short). */
  private printLines(lines: string[]): void {
    this.write(`${lines.join("\r\n")}\r\n${this.prompt()}`);
  }

  private copyConfig(from: string, to: string): void {
    if (!this.admin)
      return this.write(`${MESSAGES[this.language]["invalid-command"]}\r\n${this.prompt()}`);
    const source = this.rtx.savedFiles.get(from);
    if (!source)
      return this.write(`${MESSAGES[this.language]["invalid-parameter"]}\r\n${this.prompt()}`);
    this.rtx.savedFiles.set(to, source.clone());
    this.rtx.copies.push(`${from}->${to}`);
    this.write(this.prompt());
  }

  private async save(): Promise<void> {
    if (!this.admin)
      return this.write(`${MESSAGES[this.language]["invalid-command"]}\r\n${this.prompt()}`);
    this.stopRollback();
    if (this.rtx.faults.saveDelayMs)
      await new Promise((r) => setTimeout(r, this.rtx.faults.saveDelayMs));
    this.rtx.saved = this.rtx.running.clone();
    this.rtx.noteSaved();
    this.rtx.saves++;
    this.dirty = false;
    const done = MESSAGES[this.language].save.replace("CONFIG0", `CONFIG${this.rtx.bootFile}`);
    this.write(`${done}\r\n${this.prompt()}`);
  }

  private showConfig(line: string): void {
    this.rtx.showConfigs++;
    const grep = /\|\s*grep\s+(\S+)$/.exec(line);
    if (grep && this.rtx.options.noGrep) {
      return this.write(`${MESSAGES[this.language]["invalid-parameter"]}\r\n${this.prompt()}`);
    }
    this.printConfig(this.rtx.running, grep ? grep[1] : null);
  }

  /** Prints a configuration as `show config` does: header, settings, wrapped, paged. */
  private printConfig(config: FakeConfig, grep: string | null): void {
    const hidden = this.rtx.options.hiddenDefaults ?? [];
    const settings = config
      .lines()
      .filter((l) => !hidden.includes(l.trim()))
      .map((l) => (this.rtx.options.ownOptionOrder ? reorderOptions(l) : l));
    let lines = [...header(this.rtx.firmwareText), "#", ...settings];
    if (grep !== null) lines = ["Searching ...", ...lines.filter((l) => l.includes(grep))];
    lines = lines.flatMap((l) => this.wrap(l));
    const pageLength = this.pageLength();
    if (pageLength === null || lines.length <= pageLength)
      return this.write(`${lines.join("\r\n")}\r\n${this.prompt()}`);
    this.pages = [];
    for (let i = 0; i < lines.length; i += pageLength)
      this.pages.push(lines.slice(i, i + pageLength));
    this.nextPage(" ");
  }

  /**
   * The console wraps a long line one column before its width, as real RTX consoles do (public
   * captures at 80 columns carry 79 characters a line); a double-width character that does not
   * fit moves whole to the next line. `wrapAtFullWidth` models firmware that uses every column.
   */
  private wrap(line: string): string[] {
    const setting = this.rtx.running.find("console columns");
    const columns = setting ? Number(setting.split(" ")[2]) : 80;
    const limit = this.rtx.options.wrapAtFullWidth ? columns : columns - 1;
    const out: string[] = [];
    let piece = "";
    for (const ch of line) {
      if (displayWidth(piece + ch) > limit) {
        out.push(piece);
        piece = "";
      }
      piece += ch;
    }
    out.push(piece);
    return out;
  }

  private pageLength(): number | null {
    const setting = this.rtx.running.find("console lines");
    if (setting?.endsWith("infinity")) return null;
    return setting ? Number(setting.split(" ")[2]) : 24;
  }

  private nextPage(key: string): void {
    const page = this.pages.shift();
    if (!page || key === "q") {
      this.pages = [];
      this.state = "line";
      return this.write(`\r\n${this.prompt()}`);
    }
    this.write(`${page.join("\r\n")}\r\n`);
    this.rtx.pagesShown++;
    if (this.pages.length === 0) {
      this.state = "line";
      return this.write(this.prompt());
    }
    this.state = "more";
    this.write(MESSAGES[this.language].more);
  }
}

/** Trailing `option=value` parameters reversed, `ip keepalive`'s defaults left out. */
function reorderOptions(line: string): string {
  const tokens = line.split(" ");
  let start = tokens.length;
  while (start > 0 && /^[a-z-]+=/.test(tokens[start - 1])) start--;
  const defaults = ["upwait=5", "downwait=5", "length=64", "log=off"];
  const options = tokens.slice(start).filter((t) => !defaults.includes(t));
  return [...tokens.slice(0, start), ...options.reverse()].join(" ");
}

/**
 * An ed25519 host key ssh2 can read back. ssh2 1.17's keygen strips leading zero bytes from the
 * public key, so about 1 key in 256 is malformed (mscdex/ssh2 #1390, #1513): draw again.
 */
export function readableHostKey(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync("ed25519");
    const readable = [pair.private, pair.public].every(
      (k) => !(utils.parseKey(k) instanceof Error),
    );
    if (readable) return pair;
  }
}

export class FakeRtx {
  readonly hostKey = readableHostKey();
  running: FakeConfig;
  /** Saved configuration files 0..4 (what `save`, `copy config` and `show config N` use). */
  readonly savedFiles = new Map<string, FakeConfig>();
  /** The file the router boots from and `save` writes (`set-default-config`). */
  bootFile = "0";
  /** `copy config` calls, "from->to". */
  readonly copies: string[] = [];
  faults: Faults = {};
  /** Keepalive ids whose target stopped answering (what `show ip route` then leaves out). */
  readonly keepalivesDown = new Set<number>();
  /** Every line typed into a console (secrets included: only for assertions). */
  readonly received: string[] = [];
  connections = 0;
  showConfigs = 0;
  pagesShown = 0;
  saves = 0;
  execRefused = 0;
  extraChannelsRefused = 0;
  /** Connections cut by the lock-out. */
  lockedOut = 0;
  /** Configuration lines applied, all consoles (what `dropAfterConfigLines` counts). */
  configLines = 0;
  rollbacksFired = 0;
  /** Scheduled commands run, "id: command". */
  readonly scheduleRuns: string[] = [];
  /** Every configuration saved, in order (what no saved text may hold: our schedule). */
  readonly savedTexts: string[] = [];
  readonly consoles = new Set<Console>();
  /** Logins that are not SSH consoles of the fake (a serial console, a telnet session). */
  otherUsers: StatusUser[] = [];
  readonly clock: FakeClock;
  readonly firmwareText: string;
  readonly firmware: Firmware;
  /** Pending relative schedules by id. */
  private readonly schedules = new Map<string, NodeJS.Timeout>();
  private server: Server | null = null;

  constructor(readonly options: FakeRtxOptions = {}) {
    this.running = new FakeConfig(options.config ?? []);
    this.savedFiles.set(this.bootFile, this.running.clone());
    this.clock = new FakeClock(options.timeScale ?? 1);
    this.firmwareText = options.firmware ?? "RTX1210 Rev.14.01.42";
    this.firmware = parseFirmware(this.firmwareText);
  }

  /** Who `show status user` lists. */
  logins(): StatusUser[] {
    return [...this.otherUsers, ...[...this.consoles].map((c) => c.login)];
  }

  /** Schedule ids with a pending run. */
  get pendingSchedules(): string[] {
    return [...this.schedules.keys()];
  }

  /** 37.1: the command runs once, `seconds` from now, with no session. */
  armSchedule(id: string, seconds: number, command: string): void {
    this.cancelSchedule(id);
    const timer = this.clock.after(seconds, () => {
      this.schedules.delete(id);
      this.scheduleRuns.push(`${id}: ${command}`);
      this.runScheduled(command);
    });
    this.schedules.set(id, timer);
  }

  cancelSchedule(id: string): void {
    this.clock.cancel(this.schedules.get(id));
    this.schedules.delete(id);
  }

  /** A scheduled command: `load` (the only one the client schedules) or a configuration line. */
  private runScheduled(command: string): void {
    const load = parseLoad(command);
    if (load && load !== "invalid-parameter" && this.savedFiles.has(load.file)) {
      return this.load(load.file, null);
    }
    // Anything else (a syntax error shows only now, 37.1 note): logged and ignored by the fake.
  }

  /**
   * `load <file>` (56.7.30): the running configuration becomes the file; a load without a timer
   * stops the rollback timer — the fake stops every console's (a scheduled load has no console).
   */
  load(file: string, from: Console | null): void {
    for (const console of this.consoles)
      if (from === null || console === from) console.stopRollback();
    this.replaceRunning((this.savedFiles.get(file) as FakeConfig).clone());
  }

  /** A new running configuration: a schedule whose line it lacks is no longer pending. */
  replaceRunning(config: FakeConfig): void {
    this.running = config;
    for (const id of this.pendingSchedules) {
      if (!config.lines().some((l) => l.startsWith(`schedule at ${id} `))) this.cancelSchedule(id);
    }
  }

  /** Where a test stands after a save: every saved configuration text, for the schedule check. */
  noteSaved(): void {
    this.savedTexts.push(this.saved.lines().join("\n"));
  }

  /** The saved configuration the router boots from. */
  get saved(): FakeConfig {
    return this.savedFiles.get(this.bootFile) as FakeConfig;
  }

  set saved(config: FakeConfig) {
    this.savedFiles.set(this.bootFile, config);
  }

  get user(): string {
    return this.options.user ?? "admin";
  }
  get password(): string {
    return this.options.password ?? "login-secret-1";
  }
  get adminPassword(): string {
    return this.options.adminPassword ?? "admin-secret-2";
  }

  /** authorized_keys form of the host key, as `--host-key` takes it. */
  get publicKey(): string {
    return this.hostKey.public.trim().split(/\s+/).slice(0, 2).join(" ");
  }

  /**
   * A router restart: every session ends, every timer and pending schedule stops (56.7.31 names
   * restart as a stopper), the running configuration becomes the saved one, and a saved relative
   * schedule counts again from boot (a saved `schedule at` line is configuration, 37.1).
   */
  restart(): void {
    for (const console of this.consoles) {
      console.stopRollback();
      console.drop();
    }
    this.clock.stopAll();
    this.schedules.clear();
    this.running = this.saved.clone();
    for (const line of this.running.lines()) {
      const schedule = parseRelativeSchedule(line);
      if (schedule) this.armSchedule(schedule.id, schedule.seconds, schedule.command);
    }
  }

  /** The lock-out: the WAN list differs from the saved one. */
  private get lockedOutNow(): boolean {
    const wan = this.options.lockOutOnWanChange;
    if (!wan) return false;
    const list = `ipv6 ${wan} secure filter in`;
    return this.running.find(list) !== this.saved.find(list);
  }

  async start(): Promise<number> {
    this.server = new Server({ hostKeys: [this.hostKey.private] }, (client) =>
      this.onClient(client),
    );
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.clock.stopAll();
    for (const console of this.consoles) console.drop();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private onClient(client: Connection): void {
    this.connections++;
    client.on("error", () => undefined);
    if (this.lockedOutNow) {
      this.lockedOut++;
      client.end();
      return;
    }
    client.on("authentication", (ctx) => {
      if (ctx.method === "password" && ctx.username === this.user && ctx.password === this.password)
        ctx.accept();
      else ctx.reject(["password"]);
    });
    let sessions = 0;
    client.on("ready", () => {
      client.on("session", (accept, reject) => {
        if (++sessions > 1) {
          this.extraChannelsRefused++;
          return reject();
        }
        const session = accept();
        let pty = false;
        session.on("pty", (acceptPty) => {
          pty = true;
          acceptPty?.();
        });
        session.on("exec", (_accept, rejectExec) => {
          this.execRefused++;
          rejectExec?.();
        });
        session.on("shell", (acceptShell, rejectShell) => {
          if (!pty) return rejectShell?.();
          const stream = acceptShell();
          const console = new Console(this, stream, client);
          stream.on("data", (data: Buffer) => console.onData(data));
          console.begin();
        });
      });
    });
  }
}
