import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { TOKEN_PREFIX } from "./lib/naming";
import { gatewayConnection, GatewaySsh } from "./lib/ssh";

/** Inputs of {@link GatewayHealthGate}. */
export interface GatewayHealthGateArgs extends GatewaySsh {
  /** The rendered health-wait script (bash, run as root): waits until the gateway passes traffic. */
  waitScript: string;
  /**
   * Everything whose change takes the gateway down or restarts its services: the instance id, its
   * type (a stop and start), the configuration pushed. A change replaces the gate, which runs the
   * wait again after the change.
   */
  triggers: pulumi.Input<string>[];
}

/**
 * The end of one gateway's rolling step: waits, over SSH, until keepalived runs and the tunnel
 * prober reports the tunnel up, and fails with what the prober saw after the script's timeout.
 * Whatever depends on the gate (the other gateway's instance and configuration) is changed only
 * after this gateway passes traffic again, so no `pulumi up` takes both gateways down at once.
 */
export class GatewayHealthGate extends pulumi.ComponentResource {
  public readonly command: command.remote.Command;

  constructor(name: string, args: GatewayHealthGateArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}:GatewayHealthGate`, name, {}, opts);
    this.command = new command.remote.Command(
      `${name}-wait`,
      {
        connection: gatewayConnection(args),
        create: "sudo bash -s",
        stdin: args.waitScript,
        triggers: args.triggers,
        addPreviousOutputInEnv: false,
        logging: "stdoutAndStderr",
      },
      { parent: this, dependsOn: opts?.dependsOn, additionalSecretOutputs: ["connection"] },
    );
    this.registerOutputs({});
  }
}
