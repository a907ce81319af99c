/**
 * A stack's list changes between two `pulumi up`s (tunnel ids 1,2 -> 3,4 and a VPC network
 * dropped): one apply told the previous list converges in place, as the update of
 * RtxConfiguration runs it, with no `remove` of the old list first.
 */
import assert from "assert";
import { Summary } from "../../src/rtx/client";
import { parseCommandList } from "../../src/rtx/model";
import { previousFromEnv } from "../../src/rtx/previous";
import { Harness, rejection, runCli, cliTarget, startFake, USER_CONFIG } from "./helpers";
import { AFTER_CHANGE, BEFORE_CHANGE } from "./site-lists";

/** What @pulumi/command hands the update: the last apply's stdout, in an environment variable. */
function previousOf(summary: Summary) {
  return previousFromEnv("PULUMI_COMMAND_STDOUT", JSON.stringify(summary));
}

/** Every line of `list` is on the router as written (top level or in its tunnel block). */
function assertHolds(h: Harness, list: string[]): void {
  for (const line of parseCommandList(list)) {
    if (line.text.startsWith("ipv6 lan2 secure filter")) continue;
    assert.ok(h.rtx.saved.has(line.text, line.context), `saved config lacks "${line.text}"`);
  }
}

/** No setting of the old list that the new list dropped is left, in any form. */
function assertNoStaleLeft(h: Harness): void {
  const kept = new Set(parseCommandList(AFTER_CHANGE).map((l) => l.key));
  for (const line of parseCommandList(BEFORE_CHANGE).filter((l) => !kept.has(l.key))) {
    const where = line.context ? `tunnel ${line.context.id}: ` : "";
    assert.strictEqual(
      h.rtx.saved.find(line.text.split(" ").slice(0, 3).join(" "), line.context),
      undefined,
      `stale ${where}"${line.text}" is still there`,
    );
  }
  assert.ok(!h.rtx.saved.lines().some((l) => /^tunnel select [12]$/.test(l)));
}

/** Position of a line that must be there (so an order check cannot pass on an absent line). */
function at(lines: string[], line: string): number {
  const index = lines.indexOf(line);
  assert.ok(index >= 0, `"${line}" was not sent:\n${lines.join("\n")}`);
  return index;
}

function assertUserConfigIntact(h: Harness): void {
  const topLevel = USER_CONFIG.filter((l) => !/^ |^tunnel select|secure filter/.test(l));
  for (const line of topLevel) assert.ok(h.rtx.saved.has(line), `user's "${line}" was lost`);
  assert.ok(h.rtx.saved.has("ipsec tunnel 105", { kind: "tunnel", id: "5" }));
  assert.strictEqual(
    h.rtx.saved.find("ipv6 lan2 secure filter in"),
    "ipv6 lan2 secure filter in 101000 101001 101035 101099 dynamic 101080",
  );
}

describe("rtx client: a changed list, applied in place with the previous list", function () {
  this.timeout(60000);
  let h: Harness;
  afterEach(async () => h && (await h.rtx.stop()));

  async function applyBefore(): Promise<Summary> {
    h = await startFake({ config: USER_CONFIG });
    const first = await h.run("apply", { commands: BEFORE_CHANGE });
    assert.deepStrictEqual(first.commands, BEFORE_CHANGE);
    assert.deepStrictEqual(first.stale, []);
    return first;
  }

  it("converges in one apply: new lines first, then the old ones out; a re-run is a no-op", async () => {
    const first = await applyBefore();
    const second = await h.run("apply", { commands: AFTER_CHANGE, previous: previousOf(first) });
    assert.strictEqual(second.saved, true);
    assert.strictEqual(h.rtx.saves, 2);
    assert.strictEqual(second.showConfigReads, 2, "one read to plan, one to verify");
    assert.deepStrictEqual(second.previous, {
      source: "$PULUMI_COMMAND_STDOUT",
      lines: BEFORE_CHANGE.length,
    });
    assertHolds(h, AFTER_CHANGE);
    assertNoStaleLeft(h);
    assertUserConfigIntact(h);

    // The new tunnels and the repointed routes went in before anything old came out.
    const repointed = at(
      second.sent,
      "ip route 10.0.0.0/16 gateway tunnel 3 keepalive 1 gateway tunnel 4 keepalive 2 weight 0",
    );
    assert.ok(at(second.sent, "tunnel enable 4") < repointed);
    assert.ok(repointed < at(second.sent, "no ip route 10.1.0.0/16"));
    assert.ok(repointed < at(second.sent, "no tunnel enable 1"));
    assert.ok(!second.sent.includes("no ipv6 filter 101035"), "the filter is shared");
    assert.deepStrictEqual(second.stale.slice(0, 3), [
      "no ip route 10.1.0.0/16",
      "tunnel select 1",
      "no tunnel enable 1",
    ]);
    assert.ok(second.stale.every((l) => second.sent.includes(l)));

    const third = await h.run("apply", { commands: AFTER_CHANGE, previous: previousOf(second) });
    assert.strictEqual(third.changed, false);
    assert.deepStrictEqual(third.sent, []);
    assert.deepStrictEqual(third.stale, []);
    assert.strictEqual(third.showConfigReads, 1);
    assert.strictEqual(h.rtx.saves, 2);
  });

  it("without a usable previous list removes nothing as stale, and says so", async () => {
    await applyBefore();
    const summary = await h.run("apply", {
      commands: BEFORE_CHANGE,
      previous: previousFromEnv("PULUMI_COMMAND_STDOUT", "not a summary"),
    });
    assert.strictEqual(summary.changed, false);
    assert.deepStrictEqual(summary.previous, {
      source: "$PULUMI_COMMAND_STDOUT",
      lines: 0,
      note: "it is not a JSON summary",
    });
  });

  it("undoes both the new lines and the stale removals, newest first, when a removal is refused", async () => {
    const first = await applyBefore();
    const before = h.rtx.running.lines().join("\n");
    // Refused in the stale part: tunnel 1's block is already gone, tunnel 2's is not.
    h.rtx.faults.reject = "no tunnel enable 2";
    const error = await rejection(
      h.run("apply", { commands: AFTER_CHANGE, previous: previousOf(first) }),
    );
    assert.match(error.message, /rejected "no tunnel enable 2"/);
    assert.match(error.message, /undid \d+ change\(s\); nothing was saved/);
    assert.strictEqual(h.rtx.running.lines().join("\n"), before);
    assert.strictEqual(h.rtx.saves, 1);
    const undo = h.rtx.received.slice(h.rtx.received.lastIndexOf(h.rtx.faults.reject) + 1);
    // The old tunnel 1 is restored before the routes are pointed back at it.
    assert.ok(at(undo, "tunnel enable 1") < at(undo, "ip route 10.0.1.10 gateway tunnel 1"));
    // And the new tunnels go last, once nothing routes through them any more.
    assert.ok(at(undo, "ip route 10.0.1.10 gateway tunnel 1") < at(undo, "no tunnel enable 3"));
  });

  it("verification catches a stale line the router did not drop, and undoes", async () => {
    const first = await applyBefore();
    const before = h.rtx.running.lines().join("\n");
    h.rtx.faults.ignore = "no ip route 10.1.0.0/16";
    const error = await rejection(
      h.run("apply", { commands: AFTER_CHANGE, previous: previousOf(first) }),
    );
    assert.match(
      error.message,
      /still differs: sent "no ip route 10.1.0.0\/16", the router still shows "ip route 10.1.0.0\/16 gateway tunnel 1/,
    );
    assert.strictEqual(h.rtx.running.lines().join("\n"), before);
    assert.strictEqual(h.rtx.saves, 1);
  });

  it("takes the previous summary from --previous-env through the CLI; the summary holds no secret", async () => {
    h = await startFake({ config: USER_CONFIG });
    const { args, env } = cliTarget(h);
    const created = await runCli(["apply", ...args], env, `${BEFORE_CHANGE.join("\n")}\n`);
    assert.strictEqual(created.code, 0, created.stderr);
    const updated = await runCli(
      ["apply", ...args, "--previous-env", "PULUMI_COMMAND_STDOUT", "--verbose"],
      { ...env, PULUMI_COMMAND_STDOUT: created.stdout.trimEnd() },
      `${AFTER_CHANGE.join("\n")}\n`,
    );
    assert.strictEqual(updated.code, 0, updated.stderr);
    assert.ok(
      updated.stderr.includes(
        `previous list: ${BEFORE_CHANGE.length} line(s) from $PULUMI_COMMAND_STDOUT`,
      ),
      updated.stderr,
    );
    const summary = JSON.parse(updated.stdout) as Summary;
    assert.deepStrictEqual(summary.commands, AFTER_CHANGE);
    assert.ok(summary.stale.includes("no ip route 10.1.0.0/16"));
    assertNoStaleLeft(h);
    // The summary becomes the next update's PULUMI_COMMAND_STDOUT: it must carry no secret.
    for (const output of [created.stdout, updated.stdout]) {
      assert.ok(!output.includes(h.rtx.password), "login password in the summary");
      assert.ok(!output.includes(h.rtx.adminPassword), "admin password in the summary");
    }
    assert.ok(h.rtx.received.includes(h.rtx.adminPassword), "the fake did receive the password");
  });
});
