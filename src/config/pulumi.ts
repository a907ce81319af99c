/** Reads and validates the stack configuration inside a running Pulumi program. */

import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "./types";
import { RawStackConfig, validateStackConfig } from "./validate";

// Pulumi marks which config keys are secret, but exports the check only from its JS module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as {
  isConfigSecret?: (key: string) => boolean;
};

/** Every problem, one per line, each starting with its key path. */
export class StackConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(`invalid stack configuration:\n${lines.join("\n")}`);
    this.name = "StackConfigError";
  }
}

export function readPulumiStackConfig(): StackConfig {
  const result = validateStackConfig(rawFromRuntime(), { forDeploy: true });
  if (!result.config) {
    throw new StackConfigError(result.problems.map((p) => `${p.path}: ${p.message}`));
  }
  return result.config;
}

function rawFromRuntime(): RawStackConfig {
  const values: Record<string, unknown> = {};
  const secureKeys = new Set<string>();
  for (const [key, text] of Object.entries(pulumi.runtime.allConfig())) {
    if (runtimeConfig.isConfigSecret?.(key)) {
      secureKeys.add(key);
      values[key] = "(secret)";
    } else {
      values[key] = parseStructured(text);
    }
  }
  return { values, secureKeys };
}

/** Structured config values reach the program as JSON text. */
function parseStructured(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
