/** Small queries over a Capture, so the tests read as statements about the program. */
import * as assert from "assert";
import * as path from "path";
import { loadStackFile } from "../../../src/config/load";
import { StackConfig } from "../../../src/config/types";
import { renderSite } from "../../../src/render/site";
import { RenderedSite } from "../../../src/render/types";
import { Capture, CapturedResource } from "./capture";
import { SECRET_KEY } from "./fixtures";
import { ProgramRun, REPO_ROOT, runProgram } from "./run-program";

export const STACKS = {
  isatap: path.join(REPO_ROOT, "stacks", "Pulumi.example-isatap.yaml"),
  native: path.join(REPO_ROOT, "stacks", "Pulumi.example-native.yaml"),
};

const runs = new Map<string, Promise<Capture>>();

/** One child-process run per key for the whole mocha process (each costs a couple of seconds). */
export function capture(key: string, run: ProgramRun): Promise<Capture> {
  let pending = runs.get(key);
  if (!pending) {
    pending = runProgram(run);
    runs.set(key, pending);
  }
  return pending;
}

/** The validated config and the renderers' output for a stack file, computed in this process. */
export function expectedFor(stackFile: string): { config: StackConfig; rendered: RenderedSite } {
  const result = loadStackFile(stackFile);
  assert.ok(result.config, `example stack does not validate: ${JSON.stringify(result.problems)}`);
  return { config: result.config, rendered: renderSite(result.config) };
}

export function ofType(c: Capture, type: string): CapturedResource[] {
  return c.resources.filter((r) => r.type === type);
}

export function named(c: Capture, name: string): CapturedResource {
  const found = c.resources.filter((r) => r.name === name);
  assert.strictEqual(
    found.length,
    1,
    `expected exactly one resource named ${name}, found ${found.length}`,
  );
  return found[0];
}

export function isSecretWrapped(value: unknown): value is { [SECRET_KEY]: unknown } {
  return !!value && typeof value === "object" && SECRET_KEY in value;
}

/** The value of a secret input; fails when the input did not reach the engine as a secret. */
export function secretValue(value: unknown): unknown {
  assert.ok(
    isSecretWrapped(value),
    `expected a secret, got ${JSON.stringify(value)?.slice(0, 80)}`,
  );
  return value[SECRET_KEY];
}

/** Every string in a value, with whether it sits inside a secret wrapper. */
export function strings(value: unknown, insideSecret = false): { text: string; secret: boolean }[] {
  if (typeof value === "string") return [{ text: value, secret: insideSecret }];
  if (isSecretWrapped(value)) return strings(value[SECRET_KEY], true);
  if (Array.isArray(value)) return value.flatMap((v) => strings(v, insideSecret));
  if (value && typeof value === "object")
    return Object.values(value).flatMap((v) => strings(v, insideSecret));
  return [];
}

export function parentOf(c: Capture, resource: CapturedResource): CapturedResource | undefined {
  return c.resources.find((r) => r.urn === resource.parent);
}

/**
 * Every resource URN the engine finishes before it starts `resource`: its dependencies, their
 * dependencies, and so on, where a dependency on a component means one on each of its children.
 */
export function waitsFor(c: Capture, resource: CapturedResource): Set<string> {
  const seen = new Set<string>();
  const pending = [...resource.dependencies];
  for (let urn = pending.pop(); urn !== undefined; urn = pending.pop()) {
    if (seen.has(urn)) continue;
    seen.add(urn);
    for (const r of c.resources) {
      if (r.urn === urn) pending.push(...r.dependencies);
      if (r.parent === urn) pending.push(r.urn);
    }
  }
  return seen;
}

/** The bodies of the quoted heredocs in a bundle, keyed by the file they write. */
export function heredocs(script: string): Record<string, string> {
  const found: Record<string, string> = {};
  const pattern = /^cat >"([^"]+)" <<'([A-Za-z0-9_]+)'\n([\s\S]*?)^\2$/gm;
  for (const match of script.matchAll(pattern)) found[match[1]] = match[3];
  return found;
}
