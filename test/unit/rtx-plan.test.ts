import assert from "assert";
import {
  OwnershipConflictError,
  planApply,
  planRemove,
  renderWithContexts,
  undoLines,
} from "../../src/rtx/plan";
import { parseShowConfig } from "../../src/rtx/show-config";
import {
  mergeOurIds,
  parseSecureFilter,
  renderSecureFilter,
  withoutOurIds,
} from "../../src/rtx/secure-filter";
import { makeLine } from "../../src/rtx/model";
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
  it("puts our id first and keeps the user's static and dynamic entries", () => {
    const user = parseSecureFilter(
      makeLine("ipv6 lan2 secure filter in 10 20 dynamic 30 31", null),
    );
    assert.strictEqual(
      renderSecureFilter(mergeOurIds(user, ours)),
      "ipv6 lan2 secure filter in 101035 10 20 dynamic 30 31",
    );
    assert.strictEqual(
      renderSecureFilter(withoutOurIds(mergeOurIds(user, ours), ours)),
      "ipv6 lan2 secure filter in 10 20 dynamic 30 31",
    );
  });
});

describe("rtx apply plan", () => {
  it("sends everything on an empty router, in context, closing the block", () => {
    const plan = planApply(EXAMPLE, []);
    const lines = wire(plan);
    assert.strictEqual(lines[0], EXAMPLE[0]);
    assert.strictEqual(lines[2], "tunnel select 1");
    assert.strictEqual(lines[3], "description tunnel vpc-ipip6-gateway:osaka:gw-a");
    assert.strictEqual(lines[16], "tunnel select none");
    assert.strictEqual(lines.length, EXAMPLE.length + 1);
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
    const plan = planApply(EXAMPLE, show(["ipv6 lan2 secure filter in 1 2 dynamic 9"]));
    const step = plan.steps.find((s) => s.line.startsWith("ipv6 lan2 secure"));
    assert.strictEqual(step?.line, "ipv6 lan2 secure filter in 101035 1 2 dynamic 9");
    assert.strictEqual(step?.undo.line, "ipv6 lan2 secure filter in 1 2 dynamic 9");
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
    const plan = planApply(EXAMPLE.slice(0, 4), []);
    assert.deepStrictEqual(undoLines(plan.steps), [
      "tunnel select 1",
      "no description tunnel",
      "tunnel select none",
      "no ipv6 lan2 secure filter in",
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

  it("refuses foreign keepalives, filters and routes, but updates ours", () => {
    assert.throws(
      () => planApply(EXAMPLE, show(["ip keepalive 1 icmp-echo 10 3 192.0.2.1"])),
      /"ip keepalive 1 icmp-echo 10 3 192.0.2.1" is on the router and is not ours/,
    );
    assert.throws(
      () => planApply(EXAMPLE, show(["ipv6 filter 101035 pass * * tcp"])),
      /ipv6 filter 101035/,
    );
    assert.throws(
      () => planApply(EXAMPLE, show(["ip route 10.0.0.0/16 gateway 192.168.10.254"])),
      /ip route 10.0.0.0\/16/,
    );
    const ourOldCount = APPLIED.map((l) =>
      l.replace("icmp-echo 1 3 10.0.1.10", "icmp-echo 1 5 10.0.1.10"),
    );
    assert.strictEqual(wire(planApply(EXAMPLE, show(ourOldCount)))[0], EXAMPLE[16]);
    const movedGateway = APPLIED.map((l) =>
      l.replace("icmp-echo 1 3 10.0.1.10", "icmp-echo 1 3 10.0.1.99"),
    ).concat("ip route 10.0.1.99 gateway tunnel 1");
    assert.strictEqual(wire(planApply(EXAMPLE, show(movedGateway)))[0], EXAMPLE[16]);
    const oldFilter = APPLIED.map((l) =>
      l.startsWith("ipv6 filter") ? "ipv6 filter 101035 pass 2001:db8:1::5efe:a00:10a * 4" : l,
    );
    assert.strictEqual(wire(planApply(EXAMPLE, show(oldFilter)))[0], EXAMPLE[0]);
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
