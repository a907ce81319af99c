import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { runRender } from "../../src/cli/render-command";
import { EXAMPLE_STACKS, REPO_ROOT } from "../support/stacks";

/**
 * The example stacks' full rendering, byte for byte. A deliberate change to a renderer shows up
 * here as a diff to review; refresh with UPDATE_GOLDEN=1 node test/support/run-suites.js unit.
 */
const GOLDEN_DIR = path.join(REPO_ROOT, "test", "golden");

function checkGolden(file: string, actual: string): void {
  const target = path.join(GOLDEN_DIR, file);
  if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(target, actual);
  assert.ok(fs.existsSync(target), `${file} is missing: run with UPDATE_GOLDEN=1 once`);
  assert.equal(actual, fs.readFileSync(target, "utf8"), `${file} differs from the golden copy`);
}

describe("render output of the example stacks (golden files)", () => {
  for (const [kind, stackFile] of Object.entries(EXAMPLE_STACKS)) {
    it(`renders example-${kind} as JSON exactly as recorded`, () => {
      const result = runRender(["--stack-file", stackFile, "--json"]);
      assert.equal(result.code, 0, result.stderr);
      checkGolden(`example-${kind}.json`, result.stdout);
    });

    it(`renders example-${kind} as text exactly as recorded`, () => {
      const result = runRender(["--stack-file", stackFile]);
      assert.equal(result.code, 0, result.stderr);
      checkGolden(`example-${kind}.txt`, result.stdout);
    });

    it(`renders example-${kind} byte-identically twice`, () => {
      const first = runRender(["--stack-file", stackFile, "--json"]).stdout;
      assert.equal(runRender(["--stack-file", stackFile, "--json"]).stdout, first);
    });
  }
});
