/**
 * `render`: validates a stack file and prints what the program would push (RTX lines and gateway
 * files). Needs no AWS access and no secrets. Exit 0 rendered, 2 invalid config or usage.
 */

import { loadStackFile } from "../config/load";
import { renderSite } from "../render/site";
import { parseArgs, UsageError } from "./args";
import { renderMermaid } from "./render-mermaid";
import { renderText } from "./render-text";

export const RENDER_USAGE =
  "usage: npm run --silent render -- --stack-file <path> [--json | --mermaid]";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runRender(argv: readonly string[]): CommandResult {
  let args;
  try {
    args = parseArgs(argv, {
      values: ["--stack-file"],
      switches: ["--json", "--mermaid", "--help"],
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { code: 2, stdout: "", stderr: `${error.message}\n${RENDER_USAGE}\n` };
  }
  if (args.switches.has("--help")) return { code: 0, stdout: `${RENDER_USAGE}\n`, stderr: "" };
  if (args.switches.has("--json") && args.switches.has("--mermaid")) {
    return { code: 2, stdout: "", stderr: `give --json or --mermaid, not both\n${RENDER_USAGE}\n` };
  }
  const file = args.values["--stack-file"];
  if (!file || args.positionals.length > 0) {
    return { code: 2, stdout: "", stderr: `--stack-file: is required\n${RENDER_USAGE}\n` };
  }
  const { config, problems } = loadStackFile(file);
  if (!config) {
    return {
      code: 2,
      stdout: "",
      stderr: problems.map((p) => `${p.path}: ${p.message}\n`).join(""),
    };
  }
  const site = renderSite(config);
  const stdout = args.switches.has("--json")
    ? `${JSON.stringify(site, null, 2)}\n`
    : args.switches.has("--mermaid")
      ? renderMermaid(config, site)
      : renderText(site);
  return { code: 0, stdout, stderr: "" };
}
