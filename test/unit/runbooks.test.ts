/**
 * The runbooks (docs/operations.md) name only commands that exist: every `npm run <script>` is a
 * script of package.json and each of its options is one the command accepts, every
 * `pulumi stack output <name>` is an output of the program, and the CloudWatch names an operator
 * types are the ones the gateways and the stack use.
 */
import assert from "assert";
import fs from "fs";
import path from "path";
import { HELP as RTX_HELP } from "../../src/rtx/cli-args";
import { RENDER_USAGE } from "../../src/cli/render-command";
import { STATUS_HELP } from "../../src/status/cli-args";
import { METRIC, METRICS_NAMESPACE } from "../../src/gateway/metrics";
import { alarmSpecs } from "../../src/monitoring/alarms";
import { REPO_ROOT } from "../support/stacks";

const RUNBOOKS = fs.readFileSync(path.join(REPO_ROOT, "docs", "operations.md"), "utf8");
const PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
const PROGRAM = fs.readFileSync(path.join(REPO_ROOT, "index.ts"), "utf8");
/** The object literal the program returns: its keys are the stack outputs. */
const PROGRAM_OUTPUTS = PROGRAM.slice(PROGRAM.lastIndexOf("return {"));

/** What each command says it accepts (its usage or help text). */
const ACCEPTS: Record<string, string> = {
  status: STATUS_HELP,
  rtx: RTX_HELP,
  render: RENDER_USAGE,
};

/** Every `npm run [--silent] <script> -- <args>` in the runbooks, up to the end of its line or span. */
function npmCommands(text: string): { script: string; options: string[] }[] {
  return [...text.matchAll(/npm run (?:--silent )?([\w:-]+)(?: -- ([^`\n]*))?/g)].map((m) => ({
    script: m[1],
    // Options of a command inside a process substitution, <(pulumi ... --json), are not its own.
    options: [
      ...(m[2] ?? "").replace(/<\([^)]*\)/g, "").matchAll(/(?<![\w-])(--[a-z][\w-]*)/g),
    ].map((o) => o[1]),
  }));
}

describe("the runbooks name only commands that exist", () => {
  const commands = npmCommands(RUNBOOKS);

  it("finds the commands it checks", () => {
    assert.ok(commands.length >= 8, `${commands.length} npm commands`);
  });

  it("every npm script is in package.json, and every option is one the command takes", () => {
    for (const { script, options } of commands) {
      assert.ok(PACKAGE.scripts[script], `npm run ${script}: no such script`);
      const accepts = ACCEPTS[script];
      assert.ok(accepts, `npm run ${script}: the test does not know its options`);
      for (const option of options) {
        assert.ok(accepts.includes(option), `npm run ${script} ${option}: not an option of it`);
      }
    }
  });

  it("every pulumi stack output it reads is exported by the program", () => {
    const outputs = [...RUNBOOKS.matchAll(/pulumi stack output (\w+)/g)].map((m) => m[1]);
    assert.ok(outputs.length > 0);
    for (const name of outputs) {
      assert.match(PROGRAM_OUTPUTS, new RegExp(`^\\s+${name},$`, "m"), `output ${name}`);
    }
  });

  it("the CloudWatch namespace, metric and alarm names are the ones the code uses", () => {
    for (const m of RUNBOOKS.matchAll(/--namespace (\S+)/g))
      assert.strictEqual(m[1], METRICS_NAMESPACE);
    const metrics = Object.values(METRIC) as string[];
    for (const m of RUNBOOKS.matchAll(/--metric-name (\S+)/g))
      assert.ok(metrics.includes(m[1]), m[1]);
    const alarms = alarmSpecs("<stack>", "<site>", ["gw-a", "gw-b"]).map((a) => a.name);
    for (const m of RUNBOOKS.matchAll(/--alarm-name (\S+)/g))
      assert.ok(alarms.includes(m[1]), m[1]);
  });

  it("catches a runbook step that names something that does not exist", () => {
    const [bad] = npmCommands("`npm run --silent status -- --stack-file x --no-such-flag`");
    assert.ok(!ACCEPTS[bad.script].includes(bad.options[1]));
  });
});
