/** `npm run status` arguments. */
import * as os from "os";
import * as path from "path";

export interface StatusArgs {
  stackFile: string;
  json: boolean;
  knownHosts: string;
  identity?: string;
  timeoutMs: number;
}

export const STATUS_USAGE =
  "usage: npm run --silent status -- --stack-file <Pulumi.<stack>.yaml> [--json] " +
  "[--known-hosts <file>] [--identity <private key file>] [--timeout-ms <ms>]";

export const STATUS_HELP = `${STATUS_USAGE}

Read-only: where the VPC routes point (AWS), each gateway's VRRP state and tunnel health (SSH),
and the RTX's view (its tunnels and which one carries the VPC networks). Prints a verdict line
first; exits 0 healthy, 1 degraded, 2 down, 3 unknown (a source could not be read), 64 usage.

  --stack-file    the site's stack file (region, addresses, route tables, bastion)
  --json          one JSON object instead of text
  --known-hosts   pinned host keys of the gateways (default ~/.ssh/known_hosts): the stack's
                  knownHosts output; the bastion's key comes from gateway.bastion.hostKey
  --identity      an unencrypted private key for the gateways (default: the ssh-agent)
  --timeout-ms    per source (default 10000)
Environment: AWS credentials from the standard chain; SSH_AUTH_SOCK; RTX_PASSWORD (login only:
status never enters administrator mode). See docs/operations.md.`;

export class StatusUsageError extends Error {}

export function parseStatusArgs(argv: string[]): StatusArgs {
  const args: Partial<StatusArgs> = {
    json: false,
    knownHosts: path.join(os.homedir(), ".ssh", "known_hosts"),
    timeoutMs: 10000,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--"))
        throw new StatusUsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--stack-file") args.stackFile = value();
    else if (flag === "--json") args.json = true;
    else if (flag === "--known-hosts") args.knownHosts = value();
    else if (flag === "--identity") args.identity = value();
    else if (flag === "--timeout-ms") {
      const ms = Number(value());
      if (!Number.isInteger(ms) || ms < 100)
        throw new StatusUsageError("--timeout-ms must be an integer >= 100");
      args.timeoutMs = ms;
    } else throw new StatusUsageError(`unknown argument ${flag}`);
  }
  if (!args.stackFile) throw new StatusUsageError("--stack-file is required");
  return args as StatusArgs;
}
