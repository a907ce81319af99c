/**
 * The real sources for `npm run status`: EC2 through the AWS SDK (standard credential chain, the
 * stack's region), the gateways over SSH as the operator, the RTX through the project's client.
 */
import * as fs from "fs";
import { EC2Client } from "@aws-sdk/client-ec2";
import { StackConfig } from "../config/types";
import { parseHostKey } from "../rtx/host-key";
import { readRtxStatus } from "../rtx/status";
import { StatusSources } from "./collect";
import { GATEWAY_READ_SCRIPT } from "./gateway";
import { knownKeysFor } from "./known-hosts";
import { readRoutes } from "./routes";
import { gatewayAddresses } from "./collect";
import { SshAuth, SshHop, sshRunScript } from "./ssh-exec";

export interface SourceOptions {
  knownHosts: string;
  identity?: string;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
}

export function realSources(config: StackConfig, options: SourceOptions): StatusSources {
  const ec2 = new EC2Client({ ...(config.region ? { region: config.region } : {}) });
  return {
    routes: () =>
      readRoutes(ec2, {
        vpcId: config.vpc.id,
        routeTableIds: config.vpc.routeTableIds,
        cidrs: config.site.cidrs,
        gateways: gatewayAddresses(config),
      }),
    gateway: async (address) => {
      const known = fs.readFileSync(options.knownHosts, "utf8");
      const auth = sshAuth(options);
      const b = config.gateway.bastion;
      const bastion: SshHop | undefined = b && {
        host: b.host,
        port: b.port,
        user: b.user,
        hostKeys: b.hostKey ? [parseHostKey(b.hostKey)] : knownKeysFor(known, b.host, b.port),
      };
      const target: SshHop = {
        host: address.privateIp,
        port: 22,
        user: config.gateway.sshUser,
        hostKeys: knownKeysFor(known, address.privateIp),
      };
      return sshRunScript(target, GATEWAY_READ_SCRIPT, auth, {
        bastion,
        timeoutMs: options.timeoutMs,
      });
    },
    rtx: async () => {
      const password = options.env.RTX_PASSWORD;
      if (password === undefined) throw new Error("RTX_PASSWORD is not set");
      return readRtxStatus(
        {
          host: config.rtx.host,
          port: config.rtx.port,
          user: config.rtx.user,
          hostKey: config.rtx.hostKey,
          password,
          // Never typed: status stays a general user. Kept for the session's redaction.
          adminPassword: options.env.RTX_ADMIN_PASSWORD ?? password,
          timeoutMs: options.timeoutMs,
        },
        config.rtx.tunnelIds,
      );
    },
  };
}

function sshAuth(options: SourceOptions): SshAuth {
  if (options.identity) return { privateKey: fs.readFileSync(options.identity, "utf8") };
  if (options.env.SSH_AUTH_SOCK) return { agent: options.env.SSH_AUTH_SOCK };
  throw new Error("no SSH key: start ssh-agent (SSH_AUTH_SOCK) or pass --identity");
}
