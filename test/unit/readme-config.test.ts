import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { CONTRACT, KeySpec } from "../../src/config/contract";
import { REPO_ROOT } from "../support/stacks";

/**
 * The README's configuration reference documents exactly the keys of the contract table
 * (src/config/contract.ts), and its "required / default" column says what the table says.
 */
describe("README configuration reference", () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const rows = new Map(
    [...readme.matchAll(/^\| `([^`]+)` +\| ([^|]*?) *\|/gm)].map((m) => [m[1], m[2]]),
  );
  const contract: Record<string, KeySpec> = CONTRACT;

  it("documents every accepted key", () => {
    const missing = Object.keys(contract).filter((k) => !rows.has(k));
    assert.deepEqual(missing, []);
  });

  it("documents no key the validator would reject", () => {
    const extra = [...rows.keys()].filter((k) => !(k in contract));
    assert.deepEqual(extra, []);
  });

  it("gives each key the default, or the requirement, the contract table gives it", () => {
    const wrong = Object.entries(contract)
      .filter(([key]) => rows.has(key))
      .filter(([key, spec]) => !cellAgrees(rows.get(key) as string, spec))
      .map(
        ([key, spec]) => `${key}: README says "${rows.get(key)}", contract ${contractSays(spec)}`,
      );
    assert.deepEqual(wrong, []);
  });
});

function cellAgrees(cell: string, spec: KeySpec): boolean {
  if (spec.secret) return cell.startsWith("secret");
  if (spec.default !== undefined) return literalForms(spec.default).some((f) => cell.startsWith(f));
  if (spec.defaultFrom !== undefined) return cell.startsWith(spec.defaultFrom);
  if (spec.required) return /\brequired\b/.test(cell);
  return cell === "none";
}

/** How the README writes a literal: `t4g.nano` or `"6.1"`, `1500`, `false`, `[1, 2]`. */
function literalForms(value: NonNullable<KeySpec["default"]>): string[] {
  if (typeof value === "string") return [`\`${value}\``, `\`"${value}"\``];
  if (Array.isArray(value)) return [`\`[${value.join(", ")}]\``];
  return [`\`${String(value)}\``];
}

function contractSays(spec: KeySpec): string {
  if (spec.secret) return "says secret";
  if (spec.default !== undefined) return `default ${JSON.stringify(spec.default)}`;
  if (spec.defaultFrom !== undefined) return `default from ${spec.defaultFrom}`;
  return spec.required ? "says required" : "says optional, no default (README: none)";
}
