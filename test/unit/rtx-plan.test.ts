import assert from "assert";
import { planApply, planRemove } from "../../src/rtx/plan";
import { renderWithContexts, undoLines } from "../../src/rtx/wire";
import { OwnershipConflictError } from "../../src/rtx/errors";
import { parseShowConfig } from "../../src/rtx/show-config";
import {
  mergeOurIds,
  parseSecureFilter,
  rejectAllIds,
  renderSecureFilter,
  withoutOurIds,
} from "../../src/rtx/secure-filter";
import { makeLine } from "../../src/rtx/model";
import { UnsafeConfigError } from "../../src/rtx/errors";
import { EXAMPLE_RTX_COMMANDS_WITH_SLASH_32 } from "../support/rtx-example";

const EXAMPLE = [...EXAMPLE_RTX_COMMANDS_WITH_SLASH_32];

const show = (lines: string[]) => parseShowConfig(lines.join("\n"));
const wire = (plan: { steps: Parameters<typeof renderWithContexts>[0] }) =>
  renderWithContexts(plan.steps);

/** What the router prints after EXAMPLE was applied (host routes without /32). */
const APPLIED = [
  "ip lan2 address 198.51.100.2/30",
  "ipv6 lan2 secure filter in 101035 1 2",
  ...EXAMPLE.filter((l) => !l.startsWith("ipv6 lan2")).map((l) => l.replace("/32", "")),
];

describe("rtx secure filter merge", () => {
  const ours = parseSecureFilter(makeLine("ipv6 lan2 secure filter in 101035", null));
  const user = (text: string) => parseSecureFilter(makeLine(text, null));
  const filters = show([
    "ipv6 filter 10 pass * * icmp6",
    "ipv6 filter 20 reject 2001:db8::/32 *",
    "ipv6 filter 99 reject * * * * *",
    "ipv6 filter 98 reject-nolog *",
    "ip filter 7 reject * *",
  ]);

  it("puts our id before the first filter that rejects everything, keeping every user entry", () => {
    const list = user("ipv6 lan2 secure filter in 10 20 99 98 dynamic 30 31");
    assert.deepStrictEqual([...rejectAllIds(filters, list)].sort(), ["98", "99"]);
    const merged = mergeOurIds(list, ours, rejectAllIds(filters, list));
    assert.strictEqual(
      renderSecureFilter(merged),
      "ipv6 lan2 secure filter in 10 20 101035 99 98 dynamic 30 31",
    );
    assert.strictEqual(
      renderSecureFilter(withoutOurIds(merged, ours)),
      "ipv6 lan2 secure filter in 10 20 99 98 dynamic 30 31",
    );
  });

  it("appends to the static part when no entry rejects everything (the list's own drop is last)", () => {
    const list = user("ipv6 lan2 secure filter in 10 20 dynamic 30");
    assert.strictEqual(
      renderSecureFilter(mergeOurIds(list, ours, rejectAllIds(filters, list))),
      "ipv6 lan2 secure filter in 10 20 101035 dynamic 30",
    );
  });

  it("judges reject-all by the list's own family (ip filters for ip lists)", () => {
    const v4 = user("ip lan2 secure filter in 7 8");
    assert.deepStrictEqual([...rejectAllIds(filters, v4)], ["7"]);
  });
});

describe("rtx apply plan", () => {
  it("sends everything on an empty router, in context, closing the block, creating no list", () => {
    const plan = planApply(EXAMPLE, []);
    const lines = wire(plan);
    assert.strictEqual(lines[0], EXAMPLE[0]);
    assert.strictEqual(lines[1], "tunnel select 1");
    assert.strictEqual(lines[2], "description tunnel vpc-ipip6-gateway:osaka:gw-a");
    assert.strictEqual(lines[15], "tunnel select none");
    assert.strictEqual(lines.length, EXAMPLE.length);
    assert.ok(!lines.some((l) => /secure filter/.test(l)));
    assert.deepStrictEqual(
      plan.secureFilter.map((o) => [o.list, o.outcome]),
      [["ipv6 lan2 secure filter in", "no-list"]],
    );
    assert.match(plan.secureFilter[0].note, /none was created/);
  });

  it("sends nothing when the router already has it all, however it prints it", () => {
    const plan = planApply(EXAMPLE, show(APPLIED));
    assert.deepStrictEqual(plan.steps, []);
    assert.strictEqual(plan.unchanged, 19);
  });

  it("sends only what is missing, in its tunnel context", () => {
    const partial = APPLIED.filter(
      (l) => !/tunnel enable 2|ip tunnel mtu/.test(l) && !l.startsWith("ip route 10.0.0.0"),
    );
    const lines = wire(planApply(EXAMPLE, show(partial)));
    assert.deepStrictEqual(lines, [
      "tunnel select 1",
      "ip tunnel mtu 1440",
      "tunnel select 2",
      "ip tunnel mtu 1440",
      "tunnel enable 2",
      "tunnel select none",
      EXAMPLE[20],
    ]);
  });

  it("merges our filter into the user's secure filter list and undoes to the user's list", () => {
    const router = ["ipv6 filter 3 reject * *", "ipv6 lan2 secure filter in 1 2 3 dynamic 9"];
    const plan = planApply(EXAMPLE, show(router));
    const step = plan.steps.find((s) => s.line.startsWith("ipv6 lan2 secure"));
    assert.strictEqual(step?.line, "ipv6 lan2 secure filter in 1 2 101035 3 dynamic 9");
    assert.strictEqual(step?.undo.line, "ipv6 lan2 secure filter in 1 2 3 dynamic 9");
    assert.deepStrictEqual(
      plan.secureFilter.map((o) => [o.outcome, o.entries]),
      [["merged", 5]],
    );
  });

  it("refuses, before sending, a merge that would pass the router's 129 entries", () => {
    const full = `ipv6 lan2 secure filter in ${Array.from({ length: 120 }, (_, i) => 1000 + i).join(" ")} dynamic ${Array.from({ length: 9 }, (_, i) => 3000 + i).join(" ")}`;
    assert.throws(
      () => planApply(EXAMPLE, show([full])),
      (e: Error) =>
        e instanceof UnsafeConfigError && /130 entries, more than the 129/.test(e.message),
    );
    const room = full.replace(" 1119 ", " ");
    assert.strictEqual(planApply(EXAMPLE, show([room])).secureFilter[0].entries, 129);
  });

  it("refuses to rewrite or judge a line it could not read whole", () => {
    // A user's filter with our id, its port list reaching the 79th column of an 80-column console.
    const edge = `ipv6 filter 101035 pass 2001:db8:99::1 * tcp * 80${",8080".repeat(10)}`.slice(
      0,
      79,
    );
    const read = parseShowConfig([edge, "ip route default gateway 198.51.100.1"].join("\n"), {
      columns: 80,
    });
    assert.ok(read[0].doubt);
    assert.throws(
      () => planApply(EXAMPLE, read),
      (e: Error) =>
        e instanceof UnsafeConfigError && /cannot read "ipv6 filter 101035/.test(e.message),
    );
    assert.throws(() => planRemove(EXAMPLE, read), UnsafeConfigError);
  });

  it("updates our own tunnel (marker present) and undoes to the old value", () => {
    const current = APPLIED.map((l) => (l === " ip tunnel mtu 1440" ? " ip tunnel mtu 1280" : l));
    const plan = planApply(EXAMPLE, show(current));
    assert.deepStrictEqual(wire(plan), [
      "tunnel select 1",
      "ip tunnel mtu 1440",
      "tunnel select 2",
      "ip tunnel mtu 1440",
      "tunnel select none",
    ]);
    assert.deepStrictEqual(undoLines(plan.steps), [
      "tunnel select 2",
      "ip tunnel mtu 1280",
      "tunnel select 1",
      "ip tunnel mtu 1280",
      "tunnel select none",
    ]);
  });

  it("undoes additions with no forms, newest first", () => {
    const plan = planApply(EXAMPLE.slice(0, 4), show(["ipv6 lan2 secure filter in 1"]));
    assert.deepStrictEqual(undoLines(plan.steps), [
      "tunnel select 1",
      "no description tunnel",
      "tunnel select none",
      "ipv6 lan2 secure filter in 1",
      "no ipv6 filter 101035",
    ]);
  });

  it("refuses a tunnel that belongs to someone else, naming it", () => {
    const foreign = [
      "tunnel select 1",
      " description tunnel branch-ipsec",
      " tunnel encapsulation ipsec",
      " ipsec tunnel 101",
      " tunnel enable 1",
    ];
    assert.throws(
      () => planApply(EXAMPLE, show(foreign)),
      (e: Error) => {
        assert.ok(e instanceof OwnershipConflictError);
        assert.match(
          e.message,
          /tunnel 1 is used by someone else: its description is "branch-ipsec"/,
        );
        return true;
      },
    );
  });

  it("refuses an unmarked tunnel with another endpoint, and another stack's marker", () => {
    const unmarked = [
      "tunnel select 2",
      " tunnel encapsulation ipip",
      " tunnel endpoint address 2001:db8::9",
    ];
    assert.throws(
      () => planApply(EXAMPLE, show(unmarked)),
      /tunnel 2 already exists without our .*2001:db8::9/,
    );
    const otherStack = ["tunnel select 1", " description tunnel vpc-ipip6-gateway:kyoto:gw-a"];
    assert.throws(() => planApply(EXAMPLE, show(otherStack)), /another vpc-ipip6-gateway stack/);
  });

  it("adopts an unmarked block that holds only our own lines (an interrupted run)", () => {
    const half = ["tunnel select 1", " tunnel encapsulation ipip"];
    const lines = wire(planApply(EXAMPLE, show(half)));
    assert.ok(lines.includes("description tunnel vpc-ipip6-gateway:osaka:gw-a"));
  });

  it("refuses a user's line that has one of our ids, naming the line, the id and the way out", () => {
    for (const [line, setting] of [
      ["ip keepalive 1 icmp-echo 10 3 192.0.2.1", "rtx.keepaliveIds"],
      ["ipv6 filter 101035 pass * * tcp", "rtx.ipv6FilterId"],
      ["ip route 10.0.0.0/16 gateway 192.168.10.254", "vpc.cidrs"],
    ]) {
      assert.throws(
        () => planApply(EXAMPLE, show([line])),
        (e: Error) =>
          e instanceof OwnershipConflictError &&
          e.message.includes(`"${line}" is on the router and is not ours`) &&
          e.message.includes(setting) &&
          /--adopt/.test(e.message),
      );
    }
  });

  it("infers nothing from what a line points at: only the last applied list makes it ours", () => {
    // Same targets, other count: by inference this looked like ours; it is not, without state.
    const ourOldCount = APPLIED.map((l) =>
      l.replace("icmp-echo 1 3 10.0.1.10", "icmp-echo 1 5 10.0.1.10"),
    );
    assert.throws(() => planApply(EXAMPLE, show(ourOldCount)), OwnershipConflictError);
    const previous = EXAMPLE.map((l) =>
      l.replace("icmp-echo 1 3 10.0.1.10", "icmp-echo 1 5 10.0.1.10"),
    );
    assert.strictEqual(wire(planApply(EXAMPLE, show(ourOldCount), { previous }))[0], EXAMPLE[16]);
    // The user changed our line by hand since: the previous list no longer vouches for it.
    const handEdited = APPLIED.map((l) =>
      l.replace("icmp-echo 1 3 10.0.1.10", "icmp-echo 1 9 10.0.1.10"),
    );
    assert.throws(() => planApply(EXAMPLE, show(handEdited), { previous }), OwnershipConflictError);
    assert.strictEqual(
      wire(planApply(EXAMPLE, show(handEdited), { previous, adopt: true }))[0],
      EXAMPLE[16],
    );
  });

  it("adopts an unmarked or foreign-described tunnel only when told, never another stack's", () => {
    const unmarked = [
      "tunnel select 2",
      " tunnel encapsulation ipip",
      " tunnel endpoint address 2001:db8::9",
    ];
    assert.ok(
      wire(planApply(EXAMPLE, show(unmarked), { adopt: true })).includes("tunnel select 2"),
    );
    const otherStack = ["tunnel select 1", " description tunnel vpc-ipip6-gateway:kyoto:gw-a"];
    assert.throws(
      () => planApply(EXAMPLE, show(otherStack), { adopt: true }),
      /another vpc-ipip6-gateway stack/,
    );
  });
});

describe("rtx remove plan", () => {
  it("removes what is ours and leaves the user's entries", () => {
    const current = show([
      ...APPLIED,
      "ip route default gateway 198.51.100.1",
      "tunnel select 5",
      " tunnel encapsulation ipsec",
    ]);
    const plan = planRemove(EXAMPLE, current);
    const lines = wire(plan);
    assert.ok(lines.includes("ipv6 lan2 secure filter in 1 2"));
    assert.ok(lines.includes("no ipv6 filter 101035"));
    assert.ok(!lines.some((l) => /default|select 5/.test(l)));
    assert.strictEqual(lines[0], "no ip route 10.0.0.0/16");
    assert.ok(lines.indexOf("no tunnel enable 1") < lines.indexOf("no tunnel endpoint address"));
  });

  it("drops the secure filter line only when our id was the last entry", () => {
    const current = show(
      APPLIED.map((l) =>
        l.startsWith("ipv6 lan2 secure") ? "ipv6 lan2 secure filter in 101035" : l,
      ),
    );
    assert.ok(wire(planRemove(EXAMPLE, current)).includes("no ipv6 lan2 secure filter in"));
  });

  it("never sends the intent form that would drop the user's whole list", () => {
    const lines = wire(planRemove(EXAMPLE, show(APPLIED)));
    assert.ok(!lines.includes("no ipv6 lan2 secure filter in 101035"));
  });

  it("is a no-op when nothing is left, and leaves foreign settings with a reason", () => {
    assert.deepStrictEqual(planRemove(EXAMPLE, []).steps, []);
    const foreign = show([
      "tunnel select 1",
      " description tunnel branch",
      "ip keepalive 2 icmp-echo 10 3 192.0.2.1",
    ]);
    const plan = planRemove(EXAMPLE, foreign);
    assert.deepStrictEqual(plan.steps, []);
    assert.strictEqual(plan.skipped.length, 2);
  });
});
