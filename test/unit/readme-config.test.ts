import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { SECRET_KEYS } from "../../src/config/types";
import { CONFIG_KEYS } from "../../src/config/validate";
import { REPO_ROOT } from "../support/stacks";

/** The README's configuration reference documents exactly the keys the validator accepts. */
describe("README configuration reference", () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const documented = new Set([...readme.matchAll(/^\| `([^`]+)` +\|/gm)].map((m) => m[1]));

  const accepted = new Set<string>(SECRET_KEYS);
  for (const [section, keys] of Object.entries(CONFIG_KEYS)) {
    const prefix = section === "gateways" ? "gateways[]" : section;
    for (const key of keys) accepted.add(`${prefix}.${key}`);
  }

  it("documents every accepted key", () => {
    const missing = [...accepted].filter((k) => !documented.has(k));
    assert.deepEqual(missing, []);
  });

  it("documents no key the validator would reject", () => {
    const extra = [...documented].filter((k) => !accepted.has(k));
    assert.deepEqual(extra, []);
  });
});
