import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { RtxConfig } from "../src/config/types";
import { quote } from "../src/gateway/shell";
import { TOKEN_PREFIX } from "./lib/naming";
import { adoptArgs, PREVIOUS_OUTPUT_ENV } from "./rtxConfiguration";

/** Inputs of {@link RtxPreflight}. */
export interface RtxPreflightArgs {
  /** How to reach the RTX and what the push will be allowed to do (adopt, spare file, model). */
  rtx: Pick<
    RtxConfig,
    "host" | "port" | "user" | "hostKey" | "adopt" | "backupConfig" | "overwriteBackup" | "model"
  >;
  /** The rendered configuration lines the push will apply. */
  commands: string[];
  /** RTX login password (secret). */
  password: pulumi.Input<string>;
  /** RTX administrator password (secret; typed only to read the spare file). */
  adminPassword: pulumi.Input<string>;
  /** The repository root, where `npm run rtx` finds the client. */
  repoRoot: string;
}

/**
 * The read-only `rtx plan` invocation (docs/rtx.md "Planning a change"). On an update the
 * previous run's stdout ends with the planned list, which vouches for the lines the last
 * `pulumi up` put there, as the push's own previous list does.
 */
export function rtxPlanCommandLine(
  rtx: RtxPreflightArgs["rtx"],
  options: { previousEnv?: string } = {},
): string {
  return [
    "npm run --silent rtx -- plan",
    `--host ${quote(rtx.host)}`,
    `--port ${rtx.port}`,
    `--user ${quote(rtx.user)}`,
    `--host-key ${quote(rtx.hostKey)}`,
    "--commands -",
    "--summary",
    ...(options.previousEnv ? [`--previous-env ${options.previousEnv}`] : []),
    ...(rtx.model ? [`--model ${rtx.model}`] : []),
    ...adoptArgs(rtx.adopt),
    ...(rtx.backupConfig !== undefined ? [`--backup-config ${rtx.backupConfig}`] : []),
    ...(rtx.backupConfig !== undefined && rtx.overwriteBackup ? ["--overwrite-backup"] : []),
  ].join(" ");
}

/**
 * Checks the router before anything changes: `rtx plan` against the live RTX, read-only (no
 * delete command: it changes nothing to undo). It exits 1 on an id clash, a foreign line the
 * push would have to replace, or a spare file it may not overwrite, and fails `pulumi up` there.
 *
 * A local.Command runs only on create and on update, and updates only when an input changes
 * (@pulumi/command 1.2.1, local/command.d.ts on `update`): the command text (host, port, user,
 * host key, ids through adopt/model/backup options), the list on stdin, and the passwords. So the
 * check runs on the first `pulumi up` and again whenever the RTX list or the router changes; a
 * `pulumi up` that changes neither runs no check and no push. Every other resource of the
 * program depends on it (afterPreflight).
 */
export class RtxPreflight extends pulumi.ComponentResource {
  public readonly command: command.local.Command;

  constructor(name: string, args: RtxPreflightArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}:RtxPreflight`, name, {}, opts);
    this.command = new command.local.Command(
      `${name}-plan`,
      {
        create: rtxPlanCommandLine(args.rtx),
        update: rtxPlanCommandLine(args.rtx, { previousEnv: PREVIOUS_OUTPUT_ENV }),
        stdin: `${args.commands.join("\n")}\n`,
        environment: { RTX_PASSWORD: args.password, RTX_ADMIN_PASSWORD: args.adminPassword },
        dir: args.repoRoot,
        addPreviousOutputInEnv: true,
        logging: "stdoutAndStderr",
      },
      { parent: this, additionalSecretOutputs: ["environment"] },
    );
    this.registerOutputs({});
  }
}

/**
 * Options for a top-level component whose resources must wait for the preflight: a
 * transformation, which (unlike a component's dependsOn) reaches every child and grandchild,
 * adds the preflight's command to each custom resource's dependsOn.
 */
export function afterPreflight(preflight: RtxPreflight): pulumi.ComponentResourceOptions {
  const waitForPreflight: pulumi.ResourceTransformation = (args) => {
    if (!(args.resource instanceof pulumi.CustomResource)) return undefined;
    return {
      props: args.props,
      opts: { ...args.opts, dependsOn: withResource(args.opts.dependsOn, preflight.command) },
    };
  };
  return { transformations: [waitForPreflight] };
}

type DependsOn = pulumi.ResourceOptions["dependsOn"];

/** `dependsOn` (a resource, a list, or a promise or output of either) with one more resource. */
export function withResource(dependsOn: DependsOn, extra: pulumi.Resource): DependsOn {
  type Item = pulumi.Input<pulumi.Resource>;
  const add = (list: unknown): Item[] => [...(Array.isArray(list) ? list : [list as Item]), extra];
  if (dependsOn === undefined) return [extra];
  if (Array.isArray(dependsOn) || pulumi.Resource.isInstance(dependsOn)) return add(dependsOn);
  if (pulumi.Output.isInstance(dependsOn)) return (dependsOn as pulumi.Output<unknown>).apply(add);
  const later: Promise<Item[]> = (dependsOn as Promise<unknown>).then(add);
  return later as pulumi.Input<Item[]>;
}
