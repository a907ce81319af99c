#!/usr/bin/env node
// Runs the test suites in order, fastest first, each in its own mocha process
// (Pulumi mocks are process-global), and ends with one "N passed, N failed" line.
// Usage: node test/support/run-suites.js [suite ...]   (default: all suites)
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ALL_SUITES = ["unit", "rtx", "pulumi", "tools", "lab"];
const root = path.resolve(__dirname, "..", "..");
const requested = process.argv.slice(2);
const unknown = requested.filter((s) => !ALL_SUITES.includes(s));
if (unknown.length > 0) {
  console.error(`unknown suite(s): ${unknown.join(", ")}; known: ${ALL_SUITES.join(", ")}`);
  process.exit(2);
}
const suites = requested.length > 0 ? requested : ALL_SUITES;
const tally = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vig-tally-")), "tally");
fs.writeFileSync(tally, "");

const tallyLines = () => fs.readFileSync(tally, "utf8").split("\n").filter(Boolean);

let crashed = 0;
for (const suite of suites) {
  if (!fs.existsSync(path.join(root, "test", suite))) continue;
  console.log(`\n=== suite: ${suite}`);
  const reportedBefore = tallyLines().length;
  const result = spawnSync(
    process.execPath,
    [require.resolve("mocha/bin/mocha.js"), "--spec", `test/${suite}/**/*.test.ts`],
    { cwd: root, stdio: "inherit", env: { ...process.env, TEST_TALLY_FILE: tally } },
  );
  // A suite that dies before its reporter finishes counts as one failure.
  if (tallyLines().length === reportedBefore) {
    crashed++;
    console.error(`suite ${suite} exited ${result.status ?? result.signal} before reporting`);
  }
}

let passed = 0;
let failed = crashed;
for (const line of tallyLines()) {
  const [p, f] = line.split(" ").map(Number);
  passed += p;
  failed += f;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
