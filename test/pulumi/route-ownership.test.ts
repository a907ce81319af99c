import * as assert from "assert";
import { ROUTE_TARGET_FIELDS } from "../../components/failoverRoutes";
import { Capture } from "./support/capture";
import { STACKS, capture, ofType } from "./support/query";

const ROUTE = "aws:ec2/route:Route";
const INSTANCE = "aws:ec2/instance:Instance";

/**
 * The failover owns the route targets (docs/pulumi.md, "Route ownership"). A later `pulumi up`
 * with an unrelated change must leave every Route exactly as it was declared: identical inputs
 * (so the engine computes no diff), every target field ignored, and no input that could be
 * updated in place (the update path is where pulumi-aws #2524 resends a stale target).
 */
describe("pulumi program: route ownership across an unrelated change", function () {
  this.timeout(120000);
  let before: Capture;
  let after: Capture;

  const routeInputs = (c: Capture) =>
    Object.fromEntries(ofType(c, ROUTE).map((r) => [r.name, JSON.stringify(r.inputs)]));

  beforeEach(async () => {
    before = await capture("isatap", { stackFile: STACKS.isatap });
    after = await capture("isatap-t3", {
      stackFile: STACKS.isatap,
      edit: (config) => {
        (config["vpc-ipip6-gateway:gateway"] as Record<string, unknown>).instanceType = "t3.micro";
      },
    });
  });

  it("the unrelated change reaches the program (the instances change)", () => {
    const types = (c: Capture) => ofType(c, INSTANCE).map((r) => r.inputs.instanceType);
    assert.deepStrictEqual(types(before), ["t4g.nano", "t4g.nano"]);
    assert.deepStrictEqual(types(after), ["t3.micro", "t3.micro"]);
  });

  it("declares byte-identical Route inputs before and after", () => {
    assert.ok(Object.keys(routeInputs(before)).length > 0);
    assert.deepStrictEqual(routeInputs(after), routeInputs(before));
  });

  it("ignores every target field, so a target moved by failover never shows as a diff", () => {
    for (const r of [...ofType(before, ROUTE), ...ofType(after, ROUTE)]) {
      for (const field of ROUTE_TARGET_FIELDS)
        assert.ok(r.ignoreChanges.includes(field), `${r.name} tracks ${field}`);
    }
  });

  it("gives Routes no input outside the target but table and destination, which replace rather than update", () => {
    for (const r of ofType(after, ROUTE)) {
      const others = Object.keys(r.inputs).filter((k) => !ROUTE_TARGET_FIELDS.includes(k));
      assert.deepStrictEqual(others.sort(), ["destinationCidrBlock", "routeTableId"]);
    }
  });

  it("lists every target field aws.ec2.Route has", () => {
    // Any Route input that is neither a destination nor the table nor region is a target.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const source = require("fs").readFileSync(
      require.resolve("@pulumi/aws/ec2/route.d.ts"),
      "utf8",
    ) as string;
    const block = source.slice(source.indexOf("export interface RouteArgs"));
    const inputs = [...block.slice(0, block.indexOf("\n}")).matchAll(/^\s{4}(\w+)\??:/gm)].map(
      (m) => m[1],
    );
    const notTargets = [
      "routeTableId",
      "destinationCidrBlock",
      "destinationIpv6CidrBlock",
      "destinationPrefixListId",
      "region",
    ];
    assert.deepStrictEqual(
      inputs.filter((k) => !notTargets.includes(k)).sort(),
      [...ROUTE_TARGET_FIELDS].sort(),
    );
  });
});
