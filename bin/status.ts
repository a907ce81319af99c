/**
 * The link's state at a glance, read-only (docs/operations.md):
 *   npm run --silent status -- --stack-file stacks/Pulumi.<stack>.yaml [--json]
 * Exit 0 healthy, 1 degraded, 2 down, 3 unknown, 64 on a usage error.
 */
import { loadStackFile } from "../src/config/load";
import { redact } from "../src/rtx/errors";
import {
  parseStatusArgs,
  STATUS_HELP,
  STATUS_USAGE,
  StatusUsageError,
} from "../src/status/cli-args";
import { collectStatus } from "../src/status/collect";
import { formatStatus } from "../src/status/format";
import { realSources } from "../src/status/sources";
import { EXIT_CODES } from "../src/status/verdict";

const USAGE_EXIT = 64;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${STATUS_HELP}\n`);
    return 0;
  }
  let args;
  try {
    args = parseStatusArgs(argv);
  } catch (error) {
    if (!(error instanceof StatusUsageError)) throw error;
    process.stderr.write(`status: ${error.message}\n${STATUS_USAGE}\n`);
    return USAGE_EXIT;
  }
  const loaded = loadStackFile(args.stackFile);
  if (!loaded.config) {
    for (const p of loaded.problems) process.stderr.write(`status: ${p.path}: ${p.message}\n`);
    return USAGE_EXIT;
  }
  const sources = realSources(loaded.config, { ...args, env: process.env });
  const report = await collectStatus(loaded.config, sources);
  const secrets = [process.env.RTX_PASSWORD, process.env.RTX_ADMIN_PASSWORD];
  const text = args.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report);
  process.stdout.write(redact(text, secrets));
  return EXIT_CODES[report.verdict];
}

// Exit once stdout is flushed: a half-closed SSH socket must not keep us alive.
main().then((code) => process.stdout.write("", () => process.exit(code)));
