/**
 * One interactive console session on a YAMAHA RTX over SSH (PTY shell; the RTX refuses exec).
 * Knows prompts, paging, echo and the administrator password dialogue; nothing about configs.
 */
import { Client, ClientChannel, ConnectConfig } from "ssh2";
import {
  AuthenticationError,
  ConnectionLostError,
  HostKeyMismatchError,
  redact,
  RtxError,
  RtxTimeoutError,
} from "./errors";
import { fingerprint, parseHostKey, preferredHostKeyAlgorithms } from "./host-key";
import {
  cleanTerminalText,
  decodeConsole,
  dropMorePrompt,
  dropPromptLine,
  endsWithMorePrompt,
  endsWithPasswordPrompt,
  endsWithSaveQuestion,
  matchPrompt,
  PromptMatch,
  stripEcho,
} from "./terminal";

export interface SessionOptions {
  host: string;
  port: number;
  user: string;
  /** Pinned host key, authorized_keys format. */
  hostKey: string;
  password: string;
  adminPassword: string;
  /** Limit for one exchange with the router (a command and its prompt). */
  timeoutMs: number;
  /** Quiet time after a prompt before it is trusted (a prompt-like line can end a chunk). */
  settleMs?: number;
  log?: (message: string) => void;
}

type Expectation = "prompt" | "password" | "prompt-or-question";

interface Waiter {
  expect: Expectation;
  echo: string | null;
  what: string;
  resolve: (raw: Buffer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  settle?: NodeJS.Timeout;
}

/** Legacy algorithms some RTX firmware still needs, offered after ssh2's defaults. */
const LEGACY_ALGORITHMS = {
  kex: { append: ["diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1"] },
  cipher: { append: ["aes128-cbc", "aes256-cbc", "3des-cbc"] },
  hmac: { append: ["hmac-sha1"] },
};

export class RtxSession {
  /** Commands sent and answered, by phase label. */
  readonly roundTrips: Record<string, number> = {};
  /** Milliseconds spent in each phase label (the time between its start and the next phase). */
  readonly phaseMs: Record<string, number> = {};
  private phaseName = "session";
  private phaseStarted = Date.now();

  get phase(): string {
    return this.phaseName;
  }

  set phase(name: string) {
    const now = Date.now();
    this.phaseMs[this.phaseName] = (this.phaseMs[this.phaseName] ?? 0) + now - this.phaseStarted;
    this.phaseName = name;
    this.phaseStarted = now;
  }
  /** The console width output is printed at (80 until we change it). */
  columns = 80;
  mode: "user" | "admin" = "user";
  /** Context of the last prompt, e.g. "tunnel1"; "" at the top level. */
  context = "";

  private pending = Buffer.alloc(0);
  private waiter: Waiter | null = null;
  private closed = false;
  private closeReason = "";
  private promptBase: string | null = null;

  private constructor(
    private readonly conn: Client,
    private readonly stream: ClientChannel,
    private readonly options: SessionOptions,
  ) {
    stream.on("data", (data: Buffer) => this.onData(data));
    stream.stderr?.on("data", (data: Buffer) => this.onData(data));
    stream.on("close", () => this.onClosed("the router closed the session"));
    conn.on("error", (err) => this.onClosed(`connection error: ${this.safe(err.message)}`));
    conn.on("close", () => this.onClosed("the connection closed"));
  }

  /** Connects (host key checked before anything is sent), opens the PTY shell, waits for a prompt. */
  static async open(options: SessionOptions): Promise<RtxSession> {
    const { conn, stream } = await connectShell(options);
    const session = new RtxSession(conn, stream, options);
    try {
      await session.start();
    } catch (error) {
      session.destroy();
      throw error;
    }
    return session;
  }

  private get settleMs(): number {
    return this.options.settleMs ?? 40;
  }

  private log(message: string): void {
    this.options.log?.(this.safe(message));
  }

  /** Text with both passwords blanked out: for anything that may reach a log or an error. */
  safe(text: string): string {
    return redact(text, [this.options.password, this.options.adminPassword]);
  }

  private count(): void {
    this.roundTrips[this.phase] = (this.roundTrips[this.phase] ?? 0) + 1;
  }

  /** The first line after the banner can be lost: send a blank line, then let stray prompts drain. */
  private async start(): Promise<void> {
    this.count();
    const raw = await this.exchange("\r", {
      expect: "prompt",
      echo: null,
      what: "the first prompt",
    });
    await this.drain(this.settleMs * 5);
    const text = cleanTerminalText(raw.toString("latin1"));
    const prompt = matchPrompt(text, null);
    if (!prompt) throw new RtxError("the router did not show a prompt after login");
    this.promptBase = prompt.base;
    this.notePrompt(prompt);
    this.log(`prompt: "${prompt.base}${prompt.mode === "admin" ? "#" : ">"}"`);
  }

  /** Waits until nothing arrives for `quietMs`, then forgets what arrived. */
  private async drain(quietMs: number): Promise<void> {
    let last = -1;
    while (last !== this.pending.length && !this.closed) {
      last = this.pending.length;
      await new Promise((r) => setTimeout(r, quietMs));
    }
    this.pending = Buffer.alloc(0);
  }

  private notePrompt(prompt: PromptMatch): void {
    this.mode = prompt.mode;
    this.context = prompt.context;
  }

  /**
   * Sends one console command and returns its output (decoded, without echo and prompt).
   * `timeoutMs` overrides the per-exchange limit (show config, save).
   */
  async command(line: string, timeoutMs?: number): Promise<string> {
    return this.outputOf(await this.send(line, timeoutMs), line);
  }

  /** Types a command line and waits for the prompt (or a password question) after it. */
  private send(line: string, timeoutMs?: number): Promise<Buffer> {
    this.count();
    this.log(`> ${line}`);
    return this.exchange(`${line}\r`, {
      expect: "prompt",
      echo: line,
      what: `"${line}"`,
      timeoutMs,
    });
  }

  private outputOf(raw: Buffer, line: string): string {
    const text = cleanTerminalText(decodeConsole(raw));
    const prompt = matchPrompt(raw.toString("latin1").replace(/\r/g, ""), this.promptBase);
    if (prompt) this.notePrompt(prompt);
    return dropPromptLine(stripEcho(text, line)).replace(/^\n+/, "");
  }

  /**
   * A command that may ask for the passwords first (`show config N` asks for the login and then
   * the administrator password, command reference 57.2). The passwords are typed, never logged;
   * a refusal fails clearly.
   */
  async commandWithPasswords(line: string, timeoutMs?: number): Promise<string> {
    let raw = await this.send(line, timeoutMs);
    for (const [label, secret] of [
      ["login password", this.options.password],
      ["administrator password", this.options.adminPassword],
    ] as const) {
      if (!endsWithPasswordPrompt(raw.toString("latin1").replace(/\r/g, ""))) break;
      this.count();
      this.log(`> (${label})`);
      raw = await this.exchange(`${secret}\r`, {
        expect: "prompt",
        echo: null,
        what: `the answer to the ${label} for "${line}"`,
        timeoutMs,
      });
    }
    if (endsWithPasswordPrompt(raw.toString("latin1").replace(/\r/g, ""))) {
      await this.exchange("\r", { expect: "prompt", echo: null, what: "the prompt" });
      throw new AuthenticationError(`the router refused the passwords it asked for "${line}"`);
    }
    return this.outputOf(raw, "");
  }

  /** `administrator` and the admin password; fails clearly when the password is wrong. */
  async enterAdmin(): Promise<void> {
    this.count();
    this.log("> administrator");
    await this.exchange("administrator\r", {
      expect: "password",
      echo: null,
      what: "the Password: prompt",
    });
    this.count();
    this.log("> (administrator password)");
    const raw = await this.exchange(`${this.options.adminPassword}\r`, {
      expect: "prompt",
      echo: null,
      what: "the prompt after the administrator password",
    });
    const text = raw.toString("latin1").replace(/\r/g, "");
    const prompt = matchPrompt(text, this.promptBase);
    if (prompt) this.notePrompt(prompt);
    if (endsWithPasswordPrompt(text)) {
      // Asked again: the password was wrong. Leave the dialogue without guessing.
      this.count();
      await this.exchange("\r", {
        expect: "prompt",
        echo: null,
        what: "the prompt after a refused password",
      });
      this.mode = "user";
    }
    if (this.mode !== "admin") {
      throw new AuthenticationError(
        "the administrator password was refused (check RTX_ADMIN_PASSWORD)",
      );
    }
  }

  /** Leaves administrator mode, answering the save question with `answer` if it comes. */
  async exitAdmin(answer: "N" | "Y" = "N"): Promise<boolean> {
    if (this.mode !== "admin" || this.closed) return false;
    this.count();
    this.log("> exit");
    const raw = await this.exchange("exit\r", {
      expect: "prompt-or-question",
      echo: "exit",
      what: '"exit"',
    });
    const text = raw.toString("latin1").replace(/\r/g, "");
    let asked = false;
    if (endsWithSaveQuestion(text)) {
      asked = true;
      this.count();
      this.log(`> ${answer} (save question)`);
      const after = await this.exchange(`${answer}\r`, {
        expect: "prompt",
        echo: null,
        what: "the prompt after the save question",
      });
      this.outputOf(after, answer);
    } else {
      this.outputOf(raw, "exit");
    }
    return asked;
  }

  /** Logs out (best effort) and closes the connection. */
  async close(): Promise<void> {
    if (!this.closed) {
      try {
        if (this.mode === "admin") await this.exitAdmin("N");
        if (!this.closed) {
          this.count();
          this.stream.write("exit\r");
          await this.waitClosed(Math.min(this.options.timeoutMs, 3000));
        }
      } catch {
        // The session is ending anyway.
      }
    }
    this.destroy();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  destroy(): void {
    this.closed = true;
    this.conn.end();
  }

  private waitClosed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      const timer = setTimeout(resolve, ms);
      this.stream.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private exchange(
    data: string,
    spec: { expect: Expectation; echo: string | null; what: string; timeoutMs?: number },
  ): Promise<Buffer> {
    if (this.closed)
      return Promise.reject(new ConnectionLostError(`${this.closeReason} before ${spec.what}`));
    if (this.waiter) return Promise.reject(new RtxError("internal: two exchanges at once"));
    const limit = spec.timeoutMs ?? this.options.timeoutMs;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        const tail = this.safe(cleanTerminalText(decodeConsole(this.pending)).slice(-160)).trim();
        reject(
          new RtxTimeoutError(
            `timed out after ${limit / 1000}s waiting for ${spec.what} from ${this.options.host}` +
              (tail ? ` (last output: ${JSON.stringify(tail)})` : ""),
          ),
        );
      }, limit);
      this.waiter = { ...spec, resolve, reject, timer };
      this.pending = Buffer.alloc(0);
      this.stream.write(data);
    });
  }

  private onData(data: Buffer): void {
    this.pending = Buffer.concat([this.pending, data]);
    const waiter = this.waiter;
    if (!waiter) return;
    if (waiter.settle) clearTimeout(waiter.settle);
    waiter.settle = undefined;
    const text = this.pending.toString("latin1");
    if (endsWithMorePrompt(text)) {
      // Paging is on (console lines not changed yet, or refused): ask for the next page.
      this.count();
      this.pending = Buffer.from(dropMorePrompt(text), "latin1");
      this.stream.write(" ");
      return;
    }
    if (this.isExpected(waiter, text)) {
      waiter.settle = setTimeout(() => this.finish(waiter), this.settleMs);
    }
  }

  private isExpected(waiter: Waiter, text: string): boolean {
    const clean = text.replace(/\r/g, "");
    if (waiter.expect === "password") return endsWithPasswordPrompt(clean);
    if (waiter.expect === "prompt-or-question" && endsWithSaveQuestion(clean)) return true;
    if (endsWithPasswordPrompt(clean)) return true;
    const prompt = matchPrompt(clean, this.promptBase);
    if (!prompt) return false;
    // A stray prompt before our echo is not the answer to our command.
    if (waiter.echo !== null && waiter.echo !== "") {
      const cleaned = cleanTerminalText(clean);
      return stripEcho(cleaned, waiter.echo) !== cleaned;
    }
    return true;
  }

  private finish(waiter: Waiter): void {
    if (this.waiter !== waiter) return;
    clearTimeout(waiter.timer);
    this.waiter = null;
    const raw = this.pending;
    this.pending = Buffer.alloc(0);
    waiter.resolve(raw);
  }

  private onClosed(reason: string): void {
    if (this.closed && !this.waiter) return;
    this.closed = true;
    this.closeReason = this.closeReason || reason;
    const waiter = this.waiter;
    if (!waiter) return;
    clearTimeout(waiter.timer);
    if (waiter.settle) clearTimeout(waiter.settle);
    this.waiter = null;
    waiter.reject(new ConnectionLostError(`${this.closeReason} while waiting for ${waiter.what}`));
  }
}

/** SSH connection with the pinned host key checked in the handshake, then a PTY shell. */
function connectShell(options: SessionOptions): Promise<{ conn: Client; stream: ClientChannel }> {
  const pinned = parseHostKey(options.hostKey);
  const conn = new Client();
  let presented: Buffer | null = null;
  const config: ConnectConfig = {
    host: options.host,
    port: options.port,
    username: options.user,
    password: options.password,
    tryKeyboard: true,
    readyTimeout: options.timeoutMs,
    algorithms: {
      ...LEGACY_ALGORITHMS,
      serverHostKey: { prepend: preferredHostKeyAlgorithms(pinned.type) },
    } as ConnectConfig["algorithms"],
    hostVerifier: (key: Buffer) => {
      presented = Buffer.from(key);
      return presented.equals(pinned.blob);
    },
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      conn.end();
      reject(error);
    };
    conn.on("keyboard-interactive", (_name, _instructions, _lang, prompts, finish) => {
      finish(prompts.map(() => options.password));
    });
    conn.on("error", (err: Error & { level?: string }) => {
      if (presented && !presented.equals(pinned.blob)) {
        fail(
          new HostKeyMismatchError(
            `host key mismatch for ${options.host}:${options.port}: expected ${fingerprint(pinned.blob)}, ` +
              `the server presented ${fingerprint(presented)}; nothing was sent`,
          ),
        );
      } else if (err.level === "client-authentication") {
        fail(
          new AuthenticationError(`login as "${options.user}" was refused (check RTX_PASSWORD)`),
        );
      } else if (err.level === "client-timeout") {
        fail(
          new RtxTimeoutError(
            `timed out after ${options.timeoutMs / 1000}s connecting to ${options.host}:${options.port}`,
          ),
        );
      } else {
        fail(
          new ConnectionLostError(
            `cannot connect to ${options.host}:${options.port}: ${redact(err.message, [options.password, options.adminPassword])}`,
          ),
        );
      }
    });
    conn.on("close", () =>
      fail(
        new ConnectionLostError(
          `connection to ${options.host}:${options.port} closed during login`,
        ),
      ),
    );
    conn.on("ready", () => {
      conn.shell({ term: "vt100", cols: 200, rows: 24 }, (err, stream) => {
        if (err) return fail(new RtxError(`the router refused a shell: ${err.message}`));
        if (settled) return;
        settled = true;
        resolve({ conn, stream });
      });
    });
    conn.connect(config);
  });
}
