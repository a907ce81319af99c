import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { BundleAction, bundleCommand, bundleGatewayScripts, sha256Hex } from "./lib/configBundle";
import { TOKEN_PREFIX } from "./lib/naming";
import { inComponent } from "./lib/resourceError";
import { gatewayConnection, GatewaySsh } from "./lib/ssh";

/** Inputs of {@link GatewayConfiguration}. */
export interface GatewayConfigurationArgs extends GatewaySsh {
  /** Short gateway name ("gw-a"), for the bundle's header. */
  gatewayName: string;
  /** Bash run as root that writes every rendered file and applies them; idempotent. */
  installScript: string;
  /** Bash run as root that undoes installScript; idempotent. */
  removeScript: string;
  /** The instance the configuration lives on: a new instance needs a fresh configuration. */
  instanceId: pulumi.Input<string>;
}

/**
 * Pushes a gateway's rendered configuration over SSH with @pulumi/command and removes it on
 * delete. The configuration travels on stdin (see bundleGatewayScripts for why both scripts
 * are in one bundle); the command text carries no secret, and neither does anything the
 * scripts print (they contain no secret), so logging stays on for diagnosis.
 *
 * Re-runs: any change of the rendered content changes stdin, and a changed input runs `update`
 * (the idempotent install) in place. Content is deliberately NOT a trigger: triggers replace
 * the resource. The trigger is the instance id: a new instance gets a fresh configuration, and
 * every replacement deletes first (see below).
 */
export class GatewayConfiguration extends pulumi.ComponentResource {
  /** sha256 of the bundle pushed to the gateway (no secret in it). */
  public readonly contentHash: string;
  public readonly command: command.remote.Command;

  constructor(
    name: string,
    args: GatewayConfigurationArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(`${TOKEN_PREFIX}:GatewayConfiguration`, name, {}, opts);
    const bundle = inComponent(this, () =>
      bundleGatewayScripts(args.gatewayName, args.installScript, args.removeScript),
    );
    this.contentHash = sha256Hex(bundle);
    const run = (action: BundleAction) => bundleCommand(action);
    this.command = new command.remote.Command(
      `${name}-push`,
      {
        connection: gatewayConnection(args),
        create: run("install"),
        update: run("install"),
        delete: run("remove"),
        stdin: bundle,
        triggers: [args.instanceId],
        // sshd refuses SetEnv by default; the previous output is not needed either.
        addPreviousOutputInEnv: false,
        logging: "stdoutAndStderr",
      },
      // A component's dependsOn does not reach its children: the push waits itself. A
      // replacement (a new instance, or `pulumi up --replace`) must run the old remove before the
      // new install: both reach the same pinned address, so remove-after-install would tear the
      // new configuration down.
      {
        parent: this,
        dependsOn: opts?.dependsOn,
        additionalSecretOutputs: ["connection"],
        deleteBeforeReplace: true,
      },
    );
    this.registerOutputs({ contentHash: this.contentHash });
  }
}
