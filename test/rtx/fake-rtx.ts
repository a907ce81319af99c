/**
 * A fake YAMAHA RTX SSH server on 127.0.0.1, behaving as docs/rtx.md and the command reference describe: exec refused,
 * one session channel per connection, a PTY shell with a banner whose first input line is lost,
 * named or unnamed prompts with a context suffix after `tunnel select`, `administrator` and its
 * password, paging, Shift_JIS Japanese or ASCII English, `show config`, `save`, the Y/N question
 * on leaving admin mode, and fault injection.
 */
import { Server, utils, Connection, ServerChannel } from "ssh2";
import { AddressInfo } from "net";
import { Context } from "../../src/rtx/model";
import { tokenize } from "../../src/rtx/normalize";
import { displayWidth } from "../../src/rtx/show-config";
import { ConsoleError, FakeConfig, validate } from "./fake-config";
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

const HEADER = [
  "# RTX1210 Rev.14.01.42 (Tue Jan 10 10:00:00 2023)",
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

  constructor(
    private readonly rtx: FakeRtx,
    private readonly stream: ServerChannel,
    private readonly client: Connection,
  ) {}

  begin(): void {
    this.write(
      `\r\nRTX1210 Rev.14.01.42 (Tue Jan 10 10:00:00 2023)\r\n  Copyright (c) 1994-2023 Yamaha Corporation.\r\n\r\n`,
    );
    this.write(this.prompt());
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
    if (/^y/i.test(line)) this.rtx.saved = this.rtx.running.clone();
    this.leaveAdmin();
  }

  private leaveAdmin(): void {
    this.admin = false;
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
    if (this.rtx.faults.dropAfter === line) {
      this.rtx.faults.dropAfter = undefined;
      this.client.end();
      return;
    }
    this.write(this.prompt());
  }

  private exit(): void {
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
        "RTX1210 BootROM Ver. 1.04",
        "RTX1210 Rev.14.01.42 (Tue Jan 10 10:00:00 2023)",
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
    if (this.rtx.faults.saveDelayMs)
      await new Promise((r) => setTimeout(r, this.rtx.faults.saveDelayMs));
    this.rtx.saved = this.rtx.running.clone();
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
    let lines = [...HEADER, "#", ...settings];
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
  private server: Server | null = null;

  constructor(readonly options: FakeRtxOptions = {}) {
    this.running = new FakeConfig(options.config ?? []);
    this.savedFiles.set(this.bootFile, this.running.clone());
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

  /** A router restart: the running configuration becomes the saved one. */
  restart(): void {
    this.running = this.saved.clone();
  }

  async start(): Promise<number> {
    this.server = new Server({ hostKeys: [this.hostKey.private] }, (client) =>
      this.onClient(client),
    );
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private onClient(client: Connection): void {
    this.connections++;
    client.on("error", () => undefined);
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
