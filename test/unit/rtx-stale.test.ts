import assert from "assert";
import { parseCliArgs } from "../../src/rtx/cli-args";
import { makeLine, parseCommandList } from "../../src/rtx/model";
import { Plan, planApply } from "../../src/rtx/plan";
import { renderWithContexts, undoLines } from "../../src/rtx/wire";
import { OwnershipConflictError } from "../../src/rtx/errors";
import { describePrevious, previousFromEnv, previousFromFile } from "../../src/rtx/previous";
import { parseShowConfig } from "../../src/rtx/show-config";
import { staleLines } from "../../src/rtx/stale";
import { AFTER_CHANGE, BEFORE_CHANGE, siteList } from "../rtx/site-lists";

/** The router after `list` was applied on top of a user list in the WAN's secure filter. */
function routerWith(list: string[], extra: string[] = []) {
  const lines = list.map((l) => (l.startsWith("ipv6 lan2 secure filter in ") ? `${l} 1 2` : l));
  return parseShowConfig(["ip lan2 address 198.51.100.2/30", ...lines, ...extra].join("\n"));
}

const stepsOf = (plan: Plan) => renderWithContexts(plan.steps);
const staleOf = (plan: Plan) => renderWithContexts(plan.stale);
const allOf = (plan: Plan) => renderWithContexts([...plan.steps, ...plan.stale]);

describe("rtx stale lines (the previous list's settings the new list dropped)", () => {
  it("are the previous settings whose key the new list no longer sets; a new value is an update", () => {
    const previous = parseCommandList(BEFORE_CHANGE);
    const stale = staleLines(previous, parseCommandList(AFTER_CHANGE)).map(
      (l) => `${l.context ? `${l.context.id}:` : ""}${l.text}`,
    );
    assert.ok(stale.includes("1:description tunnel vpc-ipip6-gateway:osaka:gw-a"));
    assert.ok(stale.includes("2:tunnel enable 2"));
    assert.ok(
      stale.includes(
        "ip route 10.1.0.0/16 gateway tunnel 1 keepalive 1 gateway tunnel 2 keepalive 2 weight 0",
      ),
    );
    // Same key, new value: the apply overwrites these, so they are not stale.
    assert.ok(!stale.some((l) => l.startsWith("ip route 10.0.1.10")));
    assert.ok(!stale.some((l) => l.startsWith("ip route 10.0.0.0/16")));
    assert.ok(!stale.some((l) => l.startsWith("ip keepalive")));
    assert.strictEqual(stale.length, 13);
  });

  it("of the secure filter list are only our dropped ids, never the user's", () => {
    const previous = parseCommandList(siteList());
    const stale = staleLines(previous, parseCommandList(siteList({ filterId: 101036 })));
    assert.deepStrictEqual(
      stale.map((l) => l.text),
      [
        "ipv6 filter 101035 pass 2001:db8:1::5efe:a00:10a,2001:db8:1::5efe:a00:20a * 4",
        "ipv6 lan2 secure filter in 101035",
      ],
    );
    const sameIds = [makeLine("ipv6 lan2 secure filter in 101035", null)];
    assert.deepStrictEqual(staleLines(sameIds, sameIds), []);
  });

  it("are none when there is no previous list or it equals the new one", () => {
    const list = parseCommandList(siteList());
    assert.deepStrictEqual(staleLines([], list), []);
    assert.deepStrictEqual(staleLines(list, list), []);
  });
});

describe("rtx apply plan with the previous list", () => {
  it("sets the new tunnels and repoints the routes first, then removes the old blocks", () => {
    const plan = planApply(AFTER_CHANGE, routerWith(BEFORE_CHANGE), { previous: BEFORE_CHANGE });
    const steps = stepsOf(plan);
    assert.deepStrictEqual(steps.slice(0, 2), ["tunnel select 3", AFTER_CHANGE[3].trim()]);
    assert.ok(steps.includes("tunnel select 4"));
    assert.deepStrictEqual(steps.slice(-3), [
      "ip route 10.0.1.10 gateway tunnel 3",
      "ip route 10.0.2.10 gateway tunnel 4",
      "ip route 10.0.0.0/16 gateway tunnel 3 keepalive 1 gateway tunnel 4 keepalive 2 weight 0",
    ]);
    assert.deepStrictEqual(staleOf(plan), [
      "no ip route 10.1.0.0/16",
      "tunnel select 1",
      "no tunnel enable 1",
      "no ip tunnel tcp mss limit",
      "no ip tunnel mtu",
      "no tunnel endpoint address",
      "no tunnel encapsulation",
      "no description tunnel",
      "tunnel select 2",
      "no tunnel enable 2",
      "no ip tunnel tcp mss limit",
      "no ip tunnel mtu",
      "no tunnel endpoint address",
      "no tunnel encapsulation",
      "no description tunnel",
      "tunnel select none",
    ]);
    const all = allOf(plan);
    assert.ok(
      all.lastIndexOf(
        "ip route 10.0.0.0/16 gateway tunnel 3 keepalive 1 gateway tunnel 4 keepalive 2 weight 0",
      ) < all.indexOf("no ip route 10.1.0.0/16"),
    );
    assert.deepStrictEqual(plan.skipped, []);
  });

  it("without the previous list refuses to repoint routes through tunnels it cannot call ours", () => {
    assert.throws(
      () => planApply(AFTER_CHANGE, routerWith(BEFORE_CHANGE)),
      (e: Error) =>
        e instanceof OwnershipConflictError &&
        /"ip route 10.0.1.10 gateway tunnel 1"/.test(e.message),
    );
  });

  it("undoes both parts in reverse: the old blocks come back before the routes return to them", () => {
    const plan = planApply(AFTER_CHANGE, routerWith(BEFORE_CHANGE), { previous: BEFORE_CHANGE });
    const undo = undoLines([...plan.steps, ...plan.stale]);
    const restoredBlock = undo.indexOf("description tunnel vpc-ipip6-gateway:osaka:gw-a");
    const restoredStaleRoute = undo.indexOf(BEFORE_CHANGE[BEFORE_CHANGE.length - 1]);
    const routeBack = undo.indexOf("ip route 10.0.1.10 gateway tunnel 1");
    assert.ok(restoredBlock >= 0 && restoredStaleRoute > restoredBlock, undo.join("\n"));
    assert.ok(routeBack > restoredStaleRoute, undo.join("\n"));
    // Only then do the new tunnels go, once nothing routes through them.
    assert.ok(undo.indexOf("tunnel select 3") > routeBack, undo.join("\n"));
    assert.deepStrictEqual(undo.slice(-2), ["no description tunnel", "tunnel select none"]);
  });

  it("moves a changed filter id into the secure filter list before taking the old one out", () => {
    const next = siteList({ filterId: 101036 });
    const plan = planApply(next, routerWith(siteList()), { previous: siteList() });
    assert.deepStrictEqual(stepsOf(plan), [
      next[0],
      "ipv6 lan2 secure filter in 101035 1 2 101036",
    ]);
    assert.deepStrictEqual(staleOf(plan), [
      "ipv6 lan2 secure filter in 1 2 101036",
      "no ipv6 filter 101035",
    ]);
    assert.deepStrictEqual(undoLines([...plan.steps, ...plan.stale]), [
      siteList()[0],
      "ipv6 lan2 secure filter in 101035 1 2 101036",
      "ipv6 lan2 secure filter in 101035 1 2",
      "no ipv6 filter 101036",
    ]);
  });

  it("leaves a stale setting alone when it is no longer ours, and says so", () => {
    const userTookIt = routerWith(
      BEFORE_CHANGE.filter((l) => !l.startsWith("ip route 10.1.0.0/16")),
      ["ip route 10.1.0.0/16 gateway 192.168.10.254"],
    );
    const plan = planApply(AFTER_CHANGE, userTookIt, { previous: BEFORE_CHANGE });
    assert.ok(!staleOf(plan).some((l) => l.includes("10.1.0.0/16")));
    assert.deepStrictEqual(plan.skipped, [
      'left "ip route 10.1.0.0/16 gateway 192.168.10.254" alone: it is not ours (we set "ip route 10.1.0.0/16 gateway tunnel 1 keepalive 1 gateway tunnel 2 keepalive 2 weight 0")',
    ]);
  });

  it("a retired tunnel someone else has taken over is skipped, not a conflict", () => {
    const next = siteList({ tunnels: [3, 4] }).concat();
    const previous = siteList({ tunnels: [3, 4] }).concat(
      "tunnel select 9",
      " description tunnel vpc-ipip6-gateway:osaka:gw-x",
    );
    const router = routerWith(next, ["tunnel select 9", " description tunnel branch-office"]);
    const plan = planApply(next, router, { previous: previous });
    assert.deepStrictEqual(plan.steps, []);
    assert.deepStrictEqual(plan.stale, []);
    assert.match(plan.skipped.join("\n"), /left alone: tunnel 9 is used by someone else/);
  });

  it("takes a dropped line out of a tunnel block the new list keeps", () => {
    const previous = siteList();
    const next = previous.filter((l) => l !== " ip tunnel tcp mss limit auto");
    const plan = planApply(next, routerWith(previous), { previous: previous });
    assert.deepStrictEqual(plan.steps, []);
    assert.deepStrictEqual(staleOf(plan), [
      "tunnel select 1",
      "no ip tunnel tcp mss limit",
      "tunnel select 2",
      "no ip tunnel tcp mss limit",
      "tunnel select none",
    ]);
  });

  it("is a no-op once converged: nothing to set, nothing stale", () => {
    const plan = planApply(AFTER_CHANGE, routerWith(AFTER_CHANGE), { previous: BEFORE_CHANGE });
    assert.deepStrictEqual(plan.steps, []);
    assert.deepStrictEqual(plan.stale, []);
  });
});

describe("rtx previous list sources", () => {
  const summary = (fields: Record<string, unknown>) =>
    JSON.stringify({ action: "apply", dryRun: false, commands: siteList(), ...fields });

  it("takes the commands of a previous apply summary, as Pulumi passes it", () => {
    const previous = previousFromEnv("PULUMI_COMMAND_STDOUT", summary({}));
    assert.deepStrictEqual(previous.commands, siteList());
    assert.strictEqual(previous.note, undefined);
    assert.match(describePrevious(previous), /21 line\(s\) from \$PULUMI_COMMAND_STDOUT/);
    const withNoise = `npm notice something\n${summary({})}`;
    assert.deepStrictEqual(previousFromEnv("X", withNoise).commands, siteList());
  });

  for (const [label, value, note] of [
    ["missing", undefined, /not set/],
    ["empty", "", /empty/],
    ["not JSON", "Saving ... CONFIG0 Done .", /not a JSON summary/],
    ["a remove summary", summary({ action: "remove" }), /not the summary of an apply/],
    ["a dry run", summary({ dryRun: true }), /dry run/],
    ["from an older client", summary({ commands: undefined }), /no command list/],
    ["malformed lines", summary({ commands: ["ip tunnel mtu 1440"] }), /not a valid list/],
  ] as const) {
    it(`yields no lines when the previous summary is ${label}, and says why`, () => {
      const previous = previousFromEnv("PULUMI_COMMAND_STDOUT", value);
      assert.deepStrictEqual(previous.commands, []);
      assert.match(previous.note ?? "", note);
      assert.match(describePrevious(previous), /nothing will be removed as stale/);
    });
  }

  it("reads a file holding either a summary or the previous list itself", () => {
    assert.deepStrictEqual(previousFromFile("old.json", summary({})).commands, siteList());
    const plain = previousFromFile("old.txt", `${siteList().join("\r\n")}\r\n\r\n`);
    assert.deepStrictEqual(plain.commands, siteList());
    assert.strictEqual(plain.source, "old.txt");
    assert.match(previousFromFile("none.txt", "  \n").note ?? "", /empty/);
  });
});

describe("rtx CLI previous-list options", () => {
  const base = ["--host", "h", "--user", "u", "--host-key", "ssh-ed25519 AAAA", "--commands", "-"];

  it("accepts --previous-env NAME or --previous FILE on apply", () => {
    assert.strictEqual(
      parseCliArgs(["apply", ...base, "--previous-env", "PULUMI_COMMAND_STDOUT"]).previousEnv,
      "PULUMI_COMMAND_STDOUT",
    );
    assert.strictEqual(
      parseCliArgs(["apply", ...base, "--previous=old.json"]).previousFile,
      "old.json",
    );
    assert.strictEqual(parseCliArgs(["apply", ...base]).previousEnv, undefined);
  });

  for (const [label, args, message] of [
    ["on remove", ["remove", ...base, "--previous-env", "X"], /apply only/],
    ["twice", ["apply", ...base, "--previous-env", "X", "--previous", "f"], /not both/],
    ["with a bad name", ["apply", ...base, "--previous-env", "A-B"], /variable name/],
    ["from stdin", ["apply", ...base, "--previous", "-"], /stdin is for --commands/],
  ] as const) {
    it(`refuses the previous list ${label}`, () => {
      assert.throws(() => parseCliArgs([...args]), message);
    });
  }
});
