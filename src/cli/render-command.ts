/**
 * `render`: validates a stack file and prints what the program would push (RTX lines and gateway
 * files). Needs no AWS access and no secrets. Exit 0 rendered, 2 invalid config or usage.
 * With --rtx-config <saved show config>: also planned against the router's configuration; exit 1
 * when the router already uses an id of ours (render-rtx-check.ts).
 */

import { loadStackFile } from "../config/load";
import { renderSite } from "../render/site";
import { parseArgs, UsageError } from "./args";
import { renderMermaid } from "./render-mermaid";
import { renderText } from "./render-text";
import { checkAgainstRouter, conflictLines, ROUTER_CONFLICT_EXIT } from "./render-rtx-check";
import { formatReport } from "../rtx/plan-report";

export const RENDER_USAGE =
  "usage: npm run --silent render -- --stack-file <path> [--json | --mermaid] [--rtx-config <saved show config>]";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runRender(argv: readonly string[]): CommandResult {
  let args;
  try {
    args = parseArgs(argv, {
      values: ["--stack-file", "--rtx-config"],
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
  const { config, problems, notes = [] } = loadStackFile(file);
  if (!config) {
    return {
      code: 2,
      stdout: "",
      stderr: problems.map((p) => `${p.path}: ${p.message}\n`).join(""),
    };
  }
  const site = renderSite(config);
  const rtxConfig = args.values["--rtx-config"];
  const report = rtxConfig ? checkAgainstRouter(config, site.rtx.commands, rtxConfig) : undefined;
  if (report && report.conflicts.length > 0)
    return { code: ROUTER_CONFLICT_EXIT, stdout: "", stderr: conflictLines(report) };
  const stdout = args.switches.has("--json")
    ? `${JSON.stringify(site, null, 2)}\n`
    : args.switches.has("--mermaid")
      ? renderMermaid(config, site)
      : renderText(site);
  const plan = report && !args.switches.has("--json") ? `\n${formatReport(report)}` : "";
  const noteLines = notes.map((n) => `note: ${n.path}: ${n.message}\n`).join("");
  return { code: 0, stdout: `${stdout}${plan}`, stderr: noteLines };
}
