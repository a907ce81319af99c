import * as assert from "assert";
import { DEFAULT_AWS_WORLD, MockAwsWorld } from "./support/fixtures";
import { ofType, STACKS } from "./support/query";
import { ProgramRunError, RawConfig, runProgram } from "./support/run-program";

const NS = "vpc-ipip6-gateway";
const ROUTE = "aws:ec2/route:Route";

/** The default account with edits; a deep copy, so no run sees another's. */
function world(edit: (w: MockAwsWorld) => void): MockAwsWorld {
  const copy = JSON.parse(JSON.stringify(DEFAULT_AWS_WORLD)) as MockAwsWorld;
  edit(copy);
  return copy;
}

const table = (w: MockAwsWorld, id: string) => w.routeTables.find((t) => t.id === id)!;
const subnet = (w: MockAwsWorld, id: string) => w.subnets.find((s) => s.id === id)!;
const vpcOf = (config: RawConfig) => config[`${NS}:vpc`] as Record<string, unknown>;

describe("pulumi program: the AWS preflight", function () {
  this.timeout(120000);

  it("fails before declaring any resource, listing every mismatch at once with its key", async () => {
    const broken = world((w) => {
      subnet(w, "subnet-0bbb2222").availabilityZone = "ap-northeast-1a";
      subnet(w, "subnet-0aaa1111").cidrBlock = "10.0.1.0/29"; // 10.0.1.10 is now outside
      table(w, "rtb-0aaa1111").routes.push({
        cidrBlock: "192.168.10.0/24",
        transitGatewayId: "tgw-0aa",
      });
      table(w, "rtb-0bbb2222").routes.push({ cidrBlock: "192.168.0.0/16", gatewayId: "vgw-0bb" });
      table(w, "rtb-0bbb2222").vpcId = "vpc-0other";
    });
    const error = await runProgram({ stackFile: STACKS.isatap, aws: broken }).then(
      () => assert.fail("the program ran through a broken account"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ProgramRunError, String(error));
    const capture = error.capture;
    assert.ok(capture?.failure, "the host wrote no capture for the failed run");
    assert.match(capture.failure, /AWS preflight: 5 problem\(s\); nothing was created or changed/);
    const lines = capture.failure.split("\n").filter((l) => l.startsWith(`${NS}:`));
    assert.deepStrictEqual(
      lines.map((l) => l.slice(0, l.indexOf(": "))),
      [
        `${NS}:gateways[0].privateIp`,
        `${NS}:gateways[1].subnetId`,
        `${NS}:vpc.routeTableIds[0]`,
        `${NS}:vpc.routeTableIds[1]`,
        `${NS}:vpc.routeTableIds[1]`,
      ],
    );
    assert.match(lines[0], /10\.0\.1\.10 is outside subnet-0aaa1111's 10\.0\.1\.0\/29/);
    assert.match(lines[2], /RouteAlreadyExists/);
    assert.match(lines[3], /belongs to vpc-0other/);
    assert.match(lines[4], /192\.168\.0\.0\/16 to vgw-0bb/);
    assert.deepStrictEqual(capture.resources, [], "resources were declared before the preflight");
    const lookups = new Set(capture.invokes.map((i) => i.token));
    for (const token of [
      "aws:ec2/getSubnet:getSubnet",
      "aws:ec2/getRouteTable:getRouteTable",
      "aws:ec2/getNetworkInterfaces:getNetworkInterfaces",
    ])
      assert.ok(lookups.has(token), `${token} was not called`);
  });

  it("refuses, in native mode, a subnet without IPv6, an address outside the /64 and a reserved one", async () => {
    const broken = world((w) => {
      delete subnet(w, "subnet-0ccc3333").ipv6CidrBlock;
      subnet(w, "subnet-0ddd4444").ipv6CidrBlock = "2001:db8:100:3::/64";
      subnet(w, "subnet-0ddd4444").cidrBlock = "10.1.2.0/28"; // 10.1.2.10 stays inside
      subnet(w, "subnet-0ddd4444").vpcId = "vpc-0other";
    });
    const error = await runProgram({
      stackFile: STACKS.native,
      aws: broken,
      edit: (config) => {
        const gateways = config[`${NS}:gateways`] as Record<string, unknown>[];
        gateways[1].privateIp = "10.1.2.15";
      },
    }).then(
      () => assert.fail("the program ran through a broken account"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ProgramRunError, String(error));
    const lines = (error.capture?.failure ?? "").split("\n").filter((l) => l.startsWith(`${NS}:`));
    assert.deepStrictEqual(
      lines.map((l) => l.slice(0, l.indexOf(": "))),
      [
        `${NS}:gateways[0].subnetId`,
        `${NS}:gateways[1].subnetId`,
        `${NS}:gateways[1].privateIp`,
        `${NS}:gateways[1].ipv6Address`,
      ],
    );
    assert.match(lines[0], /has no IPv6 CIDR/);
    assert.match(lines[1], /is in vpc-0other/);
    assert.match(
      lines[2],
      /10\.1\.2\.15 is reserved by AWS in every subnet \(the broadcast address\)/,
    );
    assert.match(lines[3], /outside subnet-0ddd4444's 2001:db8:100:3::\/64/);
    assert.deepStrictEqual(error.capture?.resources, []);
  });

  it("names a subnet or route table the lookups cannot find, with the others still checked", async () => {
    const missing = world((w) => {
      w.subnets = w.subnets.filter((s) => s.id !== "subnet-0aaa1111");
      w.routeTables = w.routeTables.filter((t) => t.id !== "rtb-0bbb2222");
      table(w, "rtb-0aaa1111").vpcId = "vpc-0other";
    });
    const error = await runProgram({ stackFile: STACKS.isatap, aws: missing }).then(
      () => assert.fail("the program ran with a missing subnet"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ProgramRunError, String(error));
    const lines = (error.capture?.failure ?? "").split("\n").filter((l) => l.startsWith(`${NS}:`));
    assert.deepStrictEqual(
      lines.map((l) =>
        l.slice(0, l.indexOf(" could not") > 0 ? l.indexOf(" could not") : l.indexOf(" belongs")),
      ),
      [
        `${NS}:gateways[0].subnetId: subnet-0aaa1111`,
        `${NS}:vpc.routeTableIds[0]: rtb-0aaa1111`,
        `${NS}:vpc.routeTableIds[1]: rtb-0bbb2222`,
      ],
    );
    assert.deepStrictEqual(error.capture?.resources, []);
  });

  it("takes over a listed existing route with the import option, and creates the others", async () => {
    const existing = world((w) => {
      table(w, "rtb-0aaa1111").routes.push({
        cidrBlock: "192.168.10.0/24",
        transitGatewayId: "tgw-0aa",
      });
    });
    const c = await runProgram({
      stackFile: STACKS.isatap,
      aws: existing,
      edit: (config) => (vpcOf(config).adoptRoutes = ["rtb-0aaa1111_192.168.10.0/24"]),
    });
    const imports = Object.fromEntries(ofType(c, ROUTE).map((r) => [r.name, r.importId]));
    assert.deepStrictEqual(imports, {
      "osaka-routes-rtb-0aaa1111-192.168.10.0-24": "rtb-0aaa1111_192.168.10.0/24",
      "osaka-routes-rtb-0bbb2222-192.168.10.0-24": "",
    });
    const adopted = ofType(c, ROUTE).find((r) => r.importId !== "");
    assert.ok(adopted?.ignoreChanges.includes("networkInterfaceId"));
    assert.ok(adopted?.ignoreChanges.includes("transitGatewayId"));
  });

  it("passes a re-run whose routes point at this site's own gateway ENIs, importing nothing", async () => {
    const rerun = world((w) => {
      w.networkInterfaces.push({
        id: "eni-0gwb",
        vpcId: "vpc-0abc1234",
        tags: { "vpc-ipip6-gateway:site": "osaka" },
      });
      for (const id of ["rtb-0aaa1111", "rtb-0bbb2222"])
        table(w, id).routes.push({ cidrBlock: "192.168.10.0/24", networkInterfaceId: "eni-0gwb" });
    });
    const c = await runProgram({ stackFile: STACKS.isatap, aws: rerun });
    assert.deepStrictEqual(
      ofType(c, ROUTE).map((r) => r.importId),
      ["", ""],
    );
  });
});
