// Spec output plus the closing line CI reads ("N passed, N failed").
// When TEST_TALLY_FILE is set, the counts are appended there instead, so that
// run-suites.js can print one total across several mocha processes.
const fs = require("fs");
const Mocha = require("mocha");

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, () => passed++);
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, () => failed++);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const tally = process.env.TEST_TALLY_FILE;
      if (tally) fs.appendFileSync(tally, `${passed} ${failed}\n`);
      else process.stdout.write(`${passed} passed, ${failed} failed\n`);
    });
  }
}

module.exports = SummaryReporter;
