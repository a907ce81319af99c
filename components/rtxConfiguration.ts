import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { RtxConfig } from "../src/config/types";
import { quote } from "../src/gateway/shell";
import { TOKEN_PREFIX } from "./lib/naming";

/** Inputs of {@link RtxConfiguration}. */
export interface RtxConfigurationArgs {
  /**
   * Where and how to reach the RTX (host, port, user, pinned host key), and how to save: take
   * over settings with our ids (`adopt`), keep the previous saved config in a spare file.
   */
  rtx: Pick<
    RtxConfig,
    | "host"
    | "port"
    | "user"
    | "hostKey"
    | "adopt"
    | "backupConfig"
    | "overwriteBackup"
    | "revertAfterSeconds"
    | "noRevert"
  >;
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

/**
 * Where @pulumi/command puts the previous create/update's stdout for the next run
 * (with addPreviousOutputInEnv): there, the last apply's JSON summary and its command list.
 */
export const PREVIOUS_OUTPUT_ENV = "PULUMI_COMMAND_STDOUT";

/** `--adopt` for `rtx.adopt: true`, `--adopt=tunnel:1,...` for a list (targets need no quoting). */
export function adoptArgs(adopt: RtxConfig["adopt"]): string[] {
  if (adopt === true) return ["--adopt"];
  return Array.isArray(adopt) && adopt.length > 0 ? [`--adopt=${quote(adopt.join(","))}`] : [];
}

/**
 * The client invocation; the command list arrives on stdin, the passwords in the environment.
 * With `previousEnv`, apply also takes out what the list in that variable's summary set and the
 * new list dropped.
 */
export function rtxCommandLine(
  action: RtxAction,
  rtx: RtxConfigurationArgs["rtx"],
  options: { previousEnv?: string } = {},
): string {
  return [
    "npm run --silent rtx --",
    action,
    `--host ${quote(rtx.host)}`,
    `--port ${rtx.port}`,
    `--user ${quote(rtx.user)}`,
    `--host-key ${quote(rtx.hostKey)}`,
    "--commands -",
    ...(options.previousEnv ? [`--previous-env ${options.previousEnv}`] : []),
    ...(action === "apply" ? adoptArgs(rtx.adopt) : []),
    ...(rtx.backupConfig !== undefined ? [`--backup-config ${rtx.backupConfig}`] : []),
    ...(rtx.backupConfig !== undefined && rtx.overwriteBackup ? ["--overwrite-backup"] : []),
    ...(rtx.revertAfterSeconds !== undefined ? [`--revert-after ${rtx.revertAfterSeconds}`] : []),
    ...(rtx.noRevert ? ["--no-revert"] : []),
  ].join(" ");
}

/**
 * Pushes the rendered RTX configuration with the project's own client (the RTX's SSH server has
 * no exec channel, so remote.Command cannot drive it). The passwords are secret environment
 * variables, never command text; the command list is not secret and travels on stdin.
 *
 * A changed list is an in-place update: the update runs apply with the previous run's summary
 * (PULUMI_COMMAND_STDOUT), so the client sets the new lines first and then removes the ones the
 * new list dropped, with no gap in the site's routes. Delete runs remove with the list in state.
 * The list is deliberately not a trigger: a trigger replaces the command, and a replacement
 * can only remove the old list before applying the new one (delete first: an outage) or after
 * it (create first: the old remove would take the shared lines with it). delete-first stays
 * set for the replacement that remains possible (`pulumi up --replace`), since create-first
 * would be wrong there too.
 */
export class RtxConfiguration extends pulumi.ComponentResource {
  public readonly command: command.local.Command;

  constructor(name: string, args: RtxConfigurationArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}:RtxConfiguration`, name, {}, opts);
    if (args.commands.length === 0)
      throw new pulumi.ResourceError("the rendered RTX command list is empty", this);
    this.command = new command.local.Command(
      `${name}-push`,
      {
        create: rtxCommandLine("apply", args.rtx),
        update: rtxCommandLine("apply", args.rtx, { previousEnv: PREVIOUS_OUTPUT_ENV }),
        delete: rtxCommandLine("remove", args.rtx),
        stdin: `${args.commands.join("\n")}\n`,
        environment: { RTX_PASSWORD: args.password, RTX_ADMIN_PASSWORD: args.adminPassword },
        dir: args.repoRoot,
        // The update reads the last apply's summary from here; it holds no secret.
        addPreviousOutputInEnv: true,
        logging: "stdoutAndStderr",
      },
      // A component's dependsOn does not reach its children: the push waits itself.
      {
        parent: this,
        dependsOn: opts?.dependsOn,
        deleteBeforeReplace: true,
        additionalSecretOutputs: ["environment"],
      },
    );
    this.registerOutputs({});
  }
}
