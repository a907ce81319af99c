/** Reads a stack file (Pulumi.<stack>.yaml) into RawStackConfig and validates it, for the CLI tools. */

import * as fs from "fs";
import { LineCounter, parseDocument } from "yaml";
import { Problem, StackConfig } from "./types";
import { RawStackConfig, validateStackConfig, ValidateOptions } from "./validate";
import { placeholderSecretNotes } from "./secure-placeholders";
import { duplicateKeyProblems, yamlSyntaxProblems } from "./yaml-problems";

/** Top-level keys Pulumi writes into stack files besides `config`. */
const STACK_FILE_KEYS = [
  "config",
  "encryptionsalt",
  "secretsprovider",
  "encryptedkey",
  "environment",
];

export interface LoadResult {
  config?: StackConfig;
  problems: Problem[];
  /** What is valid but will stop `pulumi up`: placeholder secrets (secure-placeholders.ts). */
  notes?: Problem[];
}

export function loadStackFile(
  path: string,
  options: ValidateOptions = { forDeploy: false },
): LoadResult {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (error) {
    return {
      problems: [
        {
          path: "--stack-file",
          message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
        },
      ],
    };
  }
  const parsed = parseStackFileText(text, path);
  if ("problems" in parsed) return parsed;
  return { ...validateStackConfig(parsed.raw, options), notes: placeholderSecretNotes(parsed.raw) };
}

/** `source` names the file in problems that concern the file as a whole or a line of it. */
export function parseStackFileText(
  text: string,
  source = "(stack file)",
): { raw: RawStackConfig } | { problems: Problem[] } {
  const lines = new LineCounter();
  // Duplicate keys are found by our own walk, which can name the key and both lines.
  const document = parseDocument(text, {
    uniqueKeys: false,
    lineCounter: lines,
    prettyErrors: false,
  });
  const yamlProblems = yamlSyntaxProblems(document.errors, text, lines, source);
  if (yamlProblems.length > 0) return { problems: yamlProblems };
  const duplicates = duplicateKeyProblems(document, lines, source);
  if (duplicates.length > 0) return { problems: duplicates };
  const top: unknown = document.toJS();
  if (isCyclic(top)) {
    return { problems: [{ path: source, message: "a YAML alias refers to itself" }] };
  }
  if (top === null || typeof top !== "object" || Array.isArray(top)) {
    return {
      problems: [{ path: source, message: "must be a mapping with a config: key" }],
    };
  }
  const problems: Problem[] = Object.keys(top)
    .filter((k) => !STACK_FILE_KEYS.includes(k))
    .map((k) => ({
      path: k,
      message: `unknown top-level key in a stack file (known: ${STACK_FILE_KEYS.join(", ")})`,
    }));
  const config = (top as Record<string, unknown>).config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    problems.push({ path: "config", message: "must be a mapping of config keys" });
  }
  if (problems.length > 0) return { problems };
  return { raw: toRaw(config as Record<string, unknown>) };
}

function toRaw(config: Record<string, unknown>): RawStackConfig {
  const secureKeys = new Set<string>();
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (isSecure(value)) secureKeys.add(key);
    values[key] = value;
  }
  return { values, secureKeys };
}

function isSecure(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).join() === "secure"
  );
}

/** A recursive YAML alias (`&a [*a]`) parses into a cycle, which no config value can be. */
function isCyclic(value: unknown, ancestors: Set<unknown> = new Set()): boolean {
  if (value === null || typeof value !== "object") return false;
  if (ancestors.has(value)) return true;
  ancestors.add(value);
  const cyclic = Object.values(value).some((child) => isCyclic(child, ancestors));
  ancestors.delete(value);
  return cyclic;
}
