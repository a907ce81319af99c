/** Sending one configuration line on an RTX console. */
import { CommandRejectedError } from "./errors";
import { RtxSession } from "./session";
import { findErrorLine, meaningfulLines } from "./terminal";

/** A config command prints nothing when it succeeds: any output is treated as a refusal. */
export async function sendConfigLine(session: RtxSession, line: string): Promise<void> {
  const output = await session.command(line);
  const lines = meaningfulLines(output);
  if (lines.length > 0) {
    throw new CommandRejectedError(line, session.safe(findErrorLine(output) ?? lines.join(" / ")));
  }
}
