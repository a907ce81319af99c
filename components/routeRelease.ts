import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { RUN_DIR, UNITS } from "../src/gateway/paths";
import { TOKEN_PREFIX } from "./lib/naming";
import { gatewayConnection, GatewaySsh } from "./lib/ssh";

/**
 * What the release runs on `pulumi destroy`, as root: no route mover writes a route afterwards.
 * keepalived and the re-assert timer stop; a mover still at work (a notify child may outlive
 * keepalived's stop) holds the routes lock and gives up once the placeholder address is gone, so
 * the script waits for that lock, at most a minute.
 */
export function releaseScript(): string {
  return [
    "set -u",
    `systemctl stop ${UNITS.reassertTimer} ${UNITS.reassertService} ${UNITS.keepalived} || true`,
    `if [ -d ${RUN_DIR} ]; then`,
    `  exec 9>>${RUN_DIR}/routes.lock`,
    "  timeout 60 flock 9 || echo 'a route mover still holds the lock after 60 s' >&2",
    "fi",
    "",
  ].join("\n");
}

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
        stdin: releaseScript(),
        addPreviousOutputInEnv: false,
        logging: "stdoutAndStderr",
      },
      // A component's dependsOn does not reach its children: the release waits itself.
      { parent: this, dependsOn: opts?.dependsOn, additionalSecretOutputs: ["connection"] },
    );
    this.registerOutputs({});
  }
}
