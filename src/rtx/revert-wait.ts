/**
 * Waiting for the router to take a change back by itself (the schedule or the rollback timer of
 * revert.ts), watched from the first session: its flows survive a filter change that refuses new
 * connections.
 */
import { ConfigLine, indexByKey, makeLine } from "./model";
import { RtxSession } from "./session";
import { parseShowConfig } from "./show-config";
import { Step } from "./wire";

/** Whether a configuration still holds any of the lines a run sent. */
export function holdsAnyOf(lines: ConfigLine[], sent: Step[]): boolean {
  const byKey = indexByKey(lines);
  return sent.some((step) => {
    const removing = /^no\s/i.test(step.line);
    const setting = makeLine(step.line.replace(/^no\s+/i, ""), step.context ?? null);
    const shown = byKey.get(setting.key);
    return removing ? shown === undefined : shown?.norm === setting.norm;
  });
}

/** Reads `show config` every `pollMs` until none of `sent` holds, or well past `at`. */
export async function waitForRevert(
  session: RtxSession,
  at: Date,
  sent: Step[],
  options: { pollMs: number; timeoutMs?: number; log: (message: string) => void },
): Promise<string> {
  const deadline = at.getTime() + Math.max(30000, options.pollMs * 4);
  while (!session.isClosed) {
    try {
      const output = await session.command("show config", options.timeoutMs);
      const lines = parseShowConfig(output, { columns: session.columns });
      if (!holdsAnyOf(lines, sent)) return "the first session saw the change taken back";
    } catch (error) {
      options.log(`while waiting for the revert: ${(error as Error).message}`);
    }
    if (Date.now() > deadline)
      return "the first session still saw the change after the window: check the router";
    await new Promise((r) => setTimeout(r, options.pollMs));
  }
  return "the first session is gone, so the revert could not be watched";
}
