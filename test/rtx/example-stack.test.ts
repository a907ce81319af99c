import assert from "assert";
import path from "path";
import { loadStackFile } from "../../src/config/load";
import { renderSite } from "../../src/render/site";
import { FakeConfig } from "./fake-config";
import { Harness, startFake, USER_CONFIG } from "./helpers";

const STACKS = path.resolve(__dirname, "..", "..", "stacks");

/** Round trips of apply/remove for the rendered example stacks (docs/rtx.md quotes the figure). */
describe("rtx client on the rendered example stacks", function () {
  this.timeout(30000);
  let h: Harness;
  afterEach(async () => h && (await h.rtx.stop()));

  for (const stack of ["Pulumi.example-isatap.yaml", "Pulumi.example-native.yaml"]) {
    it(`${stack}: a re-apply costs one show config (and the saved file's) and no change`, async () => {
      const { config, problems } = loadStackFile(path.join(STACKS, stack));
      assert.ok(config, JSON.stringify(problems));
      const commands = renderSite(config).rtx.commands;
      h = await startFake({ promptName: "[RTX1210] ", config: USER_CONFIG });
      const fresh = await h.run("apply", { commands });
      const again = await h.run("apply", { commands });
      const removed = await h.run("remove", { commands });
      const figures = {
        fresh: fresh.roundTripsByPhase,
        again: again.roundTripsByPhase,
        remove: removed.roundTripsByPhase,
      };
      process.stderr.write(`      round trips ${stack}: ${JSON.stringify(figures)}\n`);
      assert.strictEqual(fresh.saved, true);
      assert.strictEqual(again.changed, false);
      assert.deepStrictEqual(again.sent, []);
      assert.strictEqual(again.showConfigReads, 1);
      assert.deepStrictEqual(Object.keys(again.roundTripsByPhase).sort(), [
        "admin",
        "close",
        "console",
        "read",
        "session",
        "unsaved",
        "users",
      ]);
      assert.strictEqual(again.roundTripsByPhase.read, 1);
      assert.strictEqual(removed.saved, true);
      assert.strictEqual(
        h.rtx.saved.lines().join("\n"),
        new FakeConfig(USER_CONFIG).lines().join("\n"),
      );
    });
  }

  it("newer firmware hiding `ip tunnel tcp mss limit auto`: sent with its block, then settled", async () => {
    const { config } = loadStackFile(path.join(STACKS, "Pulumi.example-isatap.yaml"));
    assert.ok(config);
    const commands = renderSite(config).rtx.commands;
    h = await startFake({ config: USER_CONFIG, hiddenDefaults: ["ip tunnel tcp mss limit auto"] });
    const fresh = await h.run("apply", { commands });
    assert.strictEqual(fresh.saved, true);
    assert.strictEqual(
      fresh.sent.filter((l: string) => l === "ip tunnel tcp mss limit auto").length,
      2,
    );
    const again = await h.run("apply", { commands });
    assert.strictEqual(again.changed, false);
    assert.deepStrictEqual(again.sent, []);
  });
});
