import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { renderReleaseScript } from "../src/gateway/release-script";
import { TOKEN_PREFIX } from "./lib/naming";
import { gatewayConnection, GatewaySsh } from "./lib/ssh";

/** Inputs of {@link RouteRelease}. */
export type RouteReleaseArgs = GatewaySsh;

/**
 * The other half of the routes' lifecycle on one gateway. Created after the routes (with no
 * `create`, so it dials nothing then) and therefore deleted before them: on `pulumi destroy` it
 * stops the gateway's route mover, which would otherwise re-create a route it has seen exist as
 * soon as Pulumi deleted it (docs/lifecycle.md). It has no trigger and no `update`: replacing an
 * instance never touches it. Against a gateway that is gone, the delete fails after the dial
 * limits in lib/ssh.ts; docs/lifecycle.md "pulumi destroy" has the way out.
 */
export class RouteRelease extends pulumi.ComponentResource {
  public readonly command: command.remote.Command;

  constructor(name: string, args: RouteReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}:RouteRelease`, name, {}, opts);
    this.command = new command.remote.Command(
      `${name}-stop-movers`,
      {
        connection: gatewayConnection(args),
        delete: "sudo bash -s",
        stdin: renderReleaseScript(),
        addPreviousOutputInEnv: false,
        logging: "stdoutAndStderr",
      },
      // A component's dependsOn does not reach its children: the release waits itself.
      { parent: this, dependsOn: opts?.dependsOn, additionalSecretOutputs: ["connection"] },
    );
    this.registerOutputs({});
  }
}
