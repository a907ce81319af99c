/** The console settings a run needs, set for the session and put back before saving or leaving. */
import { sendConfigLine } from "./config-line";
import {
  ConsoleChange,
  consoleChanges,
  ConsoleSettings,
  parseConsoleSettings,
  restoreLine,
} from "./console-settings";
import { ConfigLine } from "./model";
import { RtxSession } from "./session";
import { findErrorLine, meaningfulLines } from "./terminal";

/** Console settings we change for the session and must put back before saving or leaving. */
export class ConsoleGuard {
  private applied: ConsoleChange[] = [];
  private initial: ConsoleSettings = {};

  constructor(private readonly session: RtxSession) {}

  /** Reads the settings (grep, or the paged full config on firmware without grep), then changes them. */
  async prepare(): Promise<void> {
    let output = await this.session.command("show config | grep console");
    if (findErrorLine(output)) output = await this.session.command("show config");
    const settings = parseConsoleSettings(output);
    this.initial = settings;
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

  /**
   * The saved configuration's console settings are the ones to put back: a running value that
   * differs from it is what an interrupted run of ours left (it never saves them).
   */
  restoreToSaved(saved: ConfigLine[]): void {
    const want = parseConsoleSettings(saved.map((l) => l.text).join("\n"));
    for (const setting of ["lines", "columns", "character"] as const) {
      if (want[setting] === this.initial[setting]) continue;
      const change = this.applied.find((c) => c.setting === setting);
      const restore = restoreLine(setting, want[setting]);
      if (change) change.restore = restore;
      else this.applied.unshift({ setting, set: [], restore });
    }
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
