import * as assert from "assert";
import * as path from "path";
import { STACKS } from "./support/query";
import { runProgram } from "./support/run-program";

/** The harness itself: a capture only exists when everything the program declared resolved. */
describe("pulumi test harness", function () {
  this.timeout(60000);
  const fixture = (name: string) => path.join(__dirname, "fixtures", `${name}.ts`);
  const run = (name: string) =>
    runProgram({ stackFile: STACKS.isatap, program: fixture(name), timeoutMs: 1500 });

  it("fails a run whose export never resolves", async () => {
    await assert.rejects(
      run("export-never-resolves"),
      /export stuck did not resolve within 1500 ms/,
    );
  });

  it("fails a run with a resource that is never registered", async () => {
    await assert.rejects(
      run("input-never-resolves"),
      /resource registrations did not resolve within 1500 ms/,
    );
  });

  it("fails a run that makes a provider call the mocks do not know", async () => {
    await assert.rejects(run("unmocked-call"), /unmocked provider call aws:ec2\/getVpc:getVpc/);
  });
});
