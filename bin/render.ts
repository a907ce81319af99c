/**
 * npm run --silent render -- --stack-file <path> [--json]
 * Validates a stack file and prints what the program would push: RTX lines and gateway files.
 * Needs no AWS access and no secrets. Exit 0 rendered, 2 invalid config or usage.
 */

import { loadStackFile } from "../src/config/load";
import { parseArgs, UsageError } from "../src/cli/args";
import { renderText } from "../src/cli/render-text";
import { renderSite } from "../src/render/site";

const USAGE = "usage: npm run --silent render -- --stack-file <path> [--json]";

function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs(argv, { values: ["--stack-file"], switches: ["--json", "--help"] });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (args.switches.has("--help")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const file = args.values["--stack-file"];
  if (!file || args.positionals.length > 0) {
    process.stderr.write(`--stack-file: is required\n${USAGE}\n`);
    return 2;
  }
  const { config, problems } = loadStackFile(file);
  if (!config) {
    process.stderr.write(problems.map((p) => `${p.path}: ${p.message}\n`).join(""));
    return 2;
  }
  const site = renderSite(config);
  process.stdout.write(
    args.switches.has("--json") ? `${JSON.stringify(site, null, 2)}\n` : renderText(site),
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
