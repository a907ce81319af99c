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
  /** Bash run as root that undoes installScript; idempotent. Carried in the bundle, run by hand. */
  removeScript: string;
  /** The instance the configuration lives on: a new one changes stdin, so the install runs again. */
  instanceId: pulumi.Input<string>;
}

/**
 * Pushes a gateway's rendered configuration over SSH with @pulumi/command. The configuration
 * travels on stdin (see bundleGatewayScripts for why both scripts are in one bundle); the command
 * text carries no secret, and neither does anything the scripts print (they contain no secret),
 * so logging stays on for diagnosis.
 *
 * Re-runs (docs/lifecycle.md has the provider source): any change of stdin is an `update` that runs
 * the idempotent install in place. The instance id is carried in stdin, not in `triggers`: in
 * command v1.2.1 triggers are replaceOnChanges, and a replacement would first run the old
 * resource's delete. There is no `delete` at all: the configuration lives and dies with its
 * instance (the program never keeps an instance without its configuration), so neither replacing
 * a dead gateway nor `pulumi destroy` ever dials a host that may be gone. With `delete` unset the
 * provider's Delete returns at once.
 */
export const instanceLine = (instanceId: string) => `# instance ${instanceId}\n`;

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
        // After the shebang: a new instance changes stdin, so it is an update that installs.
        stdin: pulumi
          .output(args.instanceId)
          .apply((id) => bundle.replace("\n", `\n${instanceLine(id)}`)),
        // sshd refuses SetEnv by default; the previous output is not needed either.
        addPreviousOutputInEnv: false,
        logging: "stdoutAndStderr",
      },
      // A component's dependsOn does not reach its children: the push waits itself.
      { parent: this, dependsOn: opts?.dependsOn, additionalSecretOutputs: ["connection"] },
    );
    this.registerOutputs({ contentHash: this.contentHash });
  }
}
