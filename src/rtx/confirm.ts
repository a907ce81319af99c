/**
 * Confirmation from a new connection: after the changes, a second SSH login (same pinned host
 * key, same passwords) reads the configuration. Only a router we can still reach, holding what
 * we intended, is confirmed; a change that cut the management path shows here, while the first
 * session (already open, its flows allowed) still works.
 */
import { parseConsoleSettings } from "./console-settings";
import { ConfigLine } from "./model";
import { RtxSession, SessionOptions } from "./session";
import { parseShowConfig } from "./show-config";
import { findErrorLine } from "./terminal";
import { RtxError } from "./errors";

export interface SecondRead {
  lines: ConfigLine[];
  roundTrips: number;
}

/** The router's configuration as read over a new connection; closes it again. */
export async function readFromNewConnection(
  options: SessionOptions,
  longTimeoutMs: number | undefined,
): Promise<SecondRead> {
  const log = options.log;
  const session = await RtxSession.open({
    ...options,
    log: log ? (m: string) => log(`second connection: ${m}`) : undefined,
  });
  try {
    await session.enterAdmin();
    // The width the router prints at is configuration (`console columns`), shared by sessions;
    // firmware without grep shows it in the full read.
    const grep = await session.command("show config | grep console");
    const output = await session.command("show config", longTimeoutMs);
    const settings = parseConsoleSettings(findErrorLine(grep) ? output : grep);
    if (settings.columns !== undefined) session.columns = Number(settings.columns);
    const error = findErrorLine(output);
    if (error) throw new RtxError(`"show config" on the second connection failed: ${error}`);
    const lines = parseShowConfig(output, { columns: session.columns });
    await session.close();
    return { lines, roundTrips: Object.values(session.roundTrips).reduce((a, b) => a + b, 0) };
  } finally {
    session.destroy();
  }
}
