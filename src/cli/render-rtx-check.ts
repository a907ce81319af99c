/**
 * `render --stack-file <f> --rtx-config <saved show config>`: the stack's RTX lines planned
 * against a saved configuration of the site's router, as `rtx plan --config-file` does (docs/rtx.md
 * "Planning a change"). Router conflicts are one line each, the full stack key first.
 */
import { readFileSync } from "fs";
import { fullKey } from "../config/contract";
import { RTX_MODELS, UNKNOWN_MODEL_LIMITS } from "../config/rtx-models";
import { StackConfig } from "../config/types";
import { planReport, PlanReport } from "../rtx/plan-report";
import { decodeSaved, parseSavedConfig } from "../rtx/saved-config";

/** Exit code of `render` when the stack is valid but clashes with the router's configuration. */
export const ROUTER_CONFLICT_EXIT = 1;

export function checkAgainstRouter(
  config: StackConfig,
  commands: string[],
  file: string,
): PlanReport {
  const current = parseSavedConfig(decodeSaved(readFileSync(file)));
  const { rtx } = config;
  return planReport(commands, current, {
    source: file,
    adopt: rtx.adopt,
    limits: rtx.model ? RTX_MODELS[rtx.model] : UNKNOWN_MODEL_LIMITS,
    overwriteBackup: rtx.overwriteBackup,
    ...(rtx.backupConfig !== undefined
      ? { spare: { file: String(rtx.backupConfig), state: "unknown" as const } }
      : {}),
  });
}

/** `rtx.tunnelIds: ...` → `vpc-ipip6-gateway:rtx.tunnelIds: ...`, as the validator names keys. */
export function conflictLines(report: PlanReport): string {
  return report.conflicts.map((c) => `${/^rtx\./.test(c) ? fullKey(c) : c}\n`).join("");
}
