/** Example stacks as plain objects, for tests that mutate one key and validate. */

import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseStackFileText } from "../../src/config/load";
import { Problem, StackConfig } from "../../src/config/types";
import { validateStackConfig, ValidationResult } from "../../src/config/validate";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const EXAMPLE_STACKS = {
  isatap: path.join(REPO_ROOT, "stacks", "Pulumi.example-isatap.yaml"),
  native: path.join(REPO_ROOT, "stacks", "Pulumi.example-native.yaml"),
} as const;

export type StackDocument = { config: Record<string, unknown> } & Record<string, unknown>;

export function exampleDocument(kind: keyof typeof EXAMPLE_STACKS): StackDocument {
  return parse(fs.readFileSync(EXAMPLE_STACKS[kind], "utf8")) as StackDocument;
}

/** Validates a stack document the way `render` does (via the YAML text). */
export function validateDocument(document: unknown, forDeploy = false): ValidationResult {
  const parsed = parseStackFileText(JSON.stringify(document));
  if ("problems" in parsed) return { problems: parsed.problems };
  return validateStackConfig(parsed.raw, { forDeploy });
}

export function exampleConfig(kind: keyof typeof EXAMPLE_STACKS): StackConfig {
  const result = validateDocument(exampleDocument(kind));
  if (!result.config)
    throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  return result.config;
}

export function problemLines(problems: Problem[]): string[] {
  return problems.map((p) => `${p.path}: ${p.message}`);
}
