/** The isatap example stack's RTX lines, for the RTX client's tests. */

import { renderRtx } from "../../src/rtx/render";
import { exampleConfig } from "./stacks";

/** As `render --json` prints them (`rtx.commands`). */
export const EXAMPLE_RTX_COMMANDS: readonly string[] = renderRtx(exampleConfig("isatap")).commands;

/** The same lines as a person might type them: host routes with "/32", which the RTX drops. */
export const EXAMPLE_RTX_COMMANDS_WITH_SLASH_32: readonly string[] = EXAMPLE_RTX_COMMANDS.map(
  (line) => line.replace(/^ip route (\d+\.\d+\.\d+\.\d+) gateway/, "ip route $1/32 gateway"),
);
