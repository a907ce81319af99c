import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { RtxConfig } from "../src/config/types";
import { shellQuote } from "./lib/ssh";
import { TOKEN_PREFIX } from "./lib/naming";

/** Inputs of {@link RtxConfiguration}. */
export interface RtxConfigurationArgs {
  /** Where and how to reach the RTX (host, port, user, pinned host key). */
  rtx: Pick<RtxConfig, "host" | "port" | "user" | "hostKey">;
  /** The rendered configuration lines, in order, `tunnel select` blocks included. */
  commands: string[];
  /** RTX login password (secret). */
  password: pulumi.Input<string>;
  /** RTX administrator password (secret). */
  adminPassword: pulumi.Input<string>;
  /** The repository root, where `npm run rtx` finds the client. */
  repoRoot: string;
}

export type RtxAction = "apply" | "remove";

/** The client invocation; the command list arrives on stdin, the passwords in the environment. */
export function rtxCommandLine(action: RtxAction, rtx: RtxConfigurationArgs["rtx"]): string {
  return [
    "npm run --silent rtx --",
    action,
    `--host ${shellQuote(rtx.host)}`,
    `--port ${rtx.port}`,
    `--user ${shellQuote(rtx.user)}`,
    `--host-key ${shellQuote(rtx.hostKey)}`,
    "--commands -",
  ].join(" ");
}

/**
 * Pushes the rendered RTX configuration with the project's own client (the RTX's SSH server has
 * no exec channel, so remote.Command cannot drive it). The passwords are secret environment
 * variables, never command text; the command list is not secret and travels on stdin.
 *
 * A changed list replaces the resource delete-first: the old list is removed with the old
 * lines, then the new list applied. Create-first would remove the old list after applying the
 * new one and take the shared lines with it; an in-place apply would leave the lines that the
 * new list dropped on the router for ever. The cost is a short outage while the RTX is
 * reconfigured, which is what changing its tunnels means anyway.
 */
export class RtxConfiguration extends pulumi.ComponentResource {
  public readonly command: command.local.Command;

  constructor(name: string, args: RtxConfigurationArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}:RtxConfiguration`, name, {}, opts);
    if (args.commands.length === 0)
      throw new Error("RtxConfiguration: the rendered command list is empty");
    this.command = new command.local.Command(
      `${name}-push`,
      {
        create: rtxCommandLine("apply", args.rtx),
        delete: rtxCommandLine("remove", args.rtx),
        stdin: `${args.commands.join("\n")}\n`,
        environment: { RTX_PASSWORD: args.password, RTX_ADMIN_PASSWORD: args.adminPassword },
        dir: args.repoRoot,
        triggers: [args.commands],
        addPreviousOutputInEnv: false,
        logging: "stdoutAndStderr",
      },
      { parent: this, deleteBeforeReplace: true, additionalSecretOutputs: ["environment"] },
    );
    this.registerOutputs({});
  }
}
