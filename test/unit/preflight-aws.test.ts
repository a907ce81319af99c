import assert from "node:assert/strict";
import { StackConfig } from "../../src/config/types";
import { awsPreflight, preflightMessage } from "../../src/preflight/aws";
import { AwsFacts, SubnetFacts } from "../../src/preflight/facts";
import { coveringRoutes, routeRef } from "../../src/preflight/routes";
import { reservedAddressReason } from "../../src/preflight/subnets";
import { ipv4OrThrow } from "../../src/net/ipv4";
import { exampleConfig } from "../support/stacks";

const NS = "vpc-ipip6-gateway";

function subnet(id: string, az: string, cidr: string, ipv6?: string, vpcId = ""): SubnetFacts {
  return {
    id,
    vpcId,
    availabilityZone: az,
    cidrBlock: cidr,
    ...(ipv6 ? { ipv6CidrBlock: ipv6 } : {}),
  };
}

/** The account as both examples expect it: every check passes. */
function factsFor(config: StackConfig): AwsFacts {
  const v6 = ["2001:db8:100:1::/64", "2001:db8:100:2::/64"];
  const azs = ["ap-northeast-1a", "ap-northeast-1c"];
  const subnets = config.gateways.map((g, i) => {
    const third = g.privateIp.split(".").slice(0, 3).join(".");
    const s = subnet(g.subnetId, azs[i], `${third}.0/24`, v6[i], config.vpc.id);
    return [g.subnetId, { found: s }];
  });
  const tables = config.vpc.routeTableIds.map((id) => [
    id,
    { found: { id, vpcId: config.vpc.id, routes: [] } },
  ]);
  return {
    subnets: Object.fromEntries(subnets),
    routeTables: Object.fromEntries(tables),
    siteNetworkInterfaces: { found: [] },
  };
}

function found<T>(lookup: { found: T } | { error: string } | undefined): T {
  assert.ok(lookup && "found" in lookup);
  return lookup.found;
}

function problemsOf(config: StackConfig, facts: AwsFacts): string[] {
  return awsPreflight(config, facts).problems.map((p) => `${p.path}: ${p.message}`);
}

describe("AWS preflight: the gateways' subnets", () => {
  it("passes both example stacks against an account that matches them", () => {
    for (const kind of ["isatap", "native"] as const) {
      const config = exampleConfig(kind);
      assert.deepEqual(problemsOf(config, factsFor(config)), []);
    }
  });

  it("names the five addresses AWS reserves in a subnet, and no other", () => {
    const at = (a: string) => reservedAddressReason("10.0.1.0/24", ipv4OrThrow(a));
    assert.equal(at("10.0.1.0"), "the network address");
    assert.equal(at("10.0.1.1"), "the VPC router");
    assert.equal(at("10.0.1.2"), "the Amazon DNS server");
    assert.equal(at("10.0.1.3"), "future use");
    assert.equal(at("10.0.1.255"), "the broadcast address");
    assert.equal(at("10.0.1.4"), undefined);
    assert.equal(at("10.0.1.254"), undefined);
    assert.equal(
      reservedAddressReason("10.0.1.16/28", ipv4OrThrow("10.0.1.31")),
      "the broadcast address",
    );
  });

  it("refuses a private IP outside its subnet, naming the subnet's CIDR", () => {
    const config = exampleConfig("isatap");
    config.gateways[0].privateIp = "10.0.3.10";
    assert.deepEqual(problemsOf(config, factsFor(exampleConfig("isatap"))), [
      `${NS}:gateways[0].privateIp: 10.0.3.10 is outside subnet-0aaa1111's 10.0.1.0/24; pick a free address inside it`,
    ]);
  });

  it("refuses each reserved address with the usable range", () => {
    for (const [address, reason] of [
      ["10.0.2.0", "the network address"],
      ["10.0.2.1", "the VPC router"],
      ["10.0.2.2", "the Amazon DNS server"],
      ["10.0.2.3", "future use"],
      ["10.0.2.255", "the broadcast address"],
    ]) {
      const config = exampleConfig("isatap");
      const facts = factsFor(config);
      config.gateways[1].privateIp = address;
      assert.deepEqual(problemsOf(config, facts), [
        `${NS}:gateways[1].privateIp: ${address} is reserved by AWS in every subnet (${reason}); pick a free address from 10.0.2.4 to 10.0.2.254`,
      ]);
    }
  });

  it("refuses an ipv6Address outside the subnet's /64 (native)", () => {
    const config = exampleConfig("native");
    const facts = factsFor(config);
    config.gateways[1].ipv6Address = "2001:db8:100:1::20";
    assert.deepEqual(problemsOf(config, facts), [
      `${NS}:gateways[1].ipv6Address: 2001:db8:100:1::20 is outside subnet-0ddd4444's 2001:db8:100:2::/64; pick an address inside that /64`,
    ]);
  });

  it("refuses a subnet without IPv6 in native mode, and does not ask for it in isatap mode", () => {
    const config = exampleConfig("native");
    const facts = factsFor(config);
    delete found(facts.subnets["subnet-0ccc3333"]).ipv6CidrBlock;
    const problems = problemsOf(config, facts);
    assert.equal(problems.length, 1);
    assert.match(
      problems[0],
      /^vpc-ipip6-gateway:gateways\[0\]\.subnetId: subnet-0ccc3333 has no IPv6 CIDR/,
    );
    assert.match(problems[0], /ipv6\.mode isatap/);

    const isatap = exampleConfig("isatap");
    const v4only = factsFor(isatap);
    for (const lookup of Object.values(v4only.subnets)) delete found(lookup).ipv6CidrBlock;
    assert.deepEqual(problemsOf(isatap, v4only), []);
  });

  it("refuses two subnets in one AZ", () => {
    const config = exampleConfig("isatap");
    const facts = factsFor(config);
    found(facts.subnets["subnet-0bbb2222"]).availabilityZone = "ap-northeast-1a";
    assert.deepEqual(problemsOf(config, facts), [
      `${NS}:gateways[1].subnetId: subnet-0bbb2222 is in ap-northeast-1a, like gateways[0]'s subnet-0aaa1111; put the second gateway in a subnet of another AZ, or one AZ outage takes both down`,
    ]);
  });

  it("refuses a subnet of another VPC", () => {
    const config = exampleConfig("isatap");
    const facts = factsFor(config);
    found(facts.subnets["subnet-0aaa1111"]).vpcId = "vpc-0ffff999";
    assert.deepEqual(problemsOf(config, facts), [
      `${NS}:gateways[0].subnetId: subnet-0aaa1111 is in vpc-0ffff999, not in vpc.id vpc-0abc1234; pick a subnet of vpc-0abc1234`,
    ]);
  });

  it("reports a subnet the lookup could not read, with the provider's words", () => {
    const config = exampleConfig("isatap");
    const facts = factsFor(config);
    facts.subnets["subnet-0aaa1111"] = { error: "no matching EC2 Subnet found" };
    assert.deepEqual(problemsOf(config, facts), [
      `${NS}:gateways[0].subnetId: subnet-0aaa1111 could not be read: no matching EC2 Subnet found; check the id and the region`,
    ]);
  });
});

describe("AWS preflight: the managed route tables", () => {
  it("refuses a route table of another VPC", () => {
    const config = exampleConfig("isatap");
    const facts = factsFor(config);
    found(facts.routeTables["rtb-0bbb2222"]).vpcId = "vpc-0ffff999";
    assert.deepEqual(problemsOf(config, facts), [
      `${NS}:vpc.routeTableIds[1]: rtb-0bbb2222 belongs to vpc-0ffff999, not to vpc.id vpc-0abc1234; list only route tables of vpc-0abc1234`,
    ]);
  });

  it("refuses an existing route for a site CIDR, saying how to adopt it (RouteAlreadyExists)", () => {
    const config = exampleConfig("isatap");
    const facts = factsFor(config);
    found(facts.routeTables["rtb-0aaa1111"]).routes.push({
      destination: "192.168.10.0/24",
      target: "eni-0old",
    });
    const problems = problemsOf(config, facts);
    assert.equal(problems.length, 1);
    assert.match(
      problems[0],
      /^vpc-ipip6-gateway:vpc\.routeTableIds\[0\]: rtb-0aaa1111 already has a route for 192\.168\.10\.0\/24 \(to eni-0old\)/,
    );
    assert.match(problems[0], /RouteAlreadyExists/);
    assert.match(problems[0], /add "rtb-0aaa1111_192\.168\.10\.0\/24" to vpc\.adoptRoutes/);
  });

  it("imports a listed existing route instead, and no other", () => {
    const config = exampleConfig("isatap");
    const facts = factsFor(config);
    found(facts.routeTables["rtb-0aaa1111"]).routes.push({
      destination: "192.168.10.0/24",
      target: "tgw-0123",
    });
    config.vpc.adoptRoutes = ["rtb-0aaa1111_192.168.10.0/24", "rtb-0bbb2222_192.168.10.0/24"];
    const verdict = awsPreflight(config, facts);
    assert.deepEqual(verdict.problems, []);
    assert.deepEqual(verdict.routeImports, ["rtb-0aaa1111_192.168.10.0/24"]);
  });

  it("takes a route to one of this site's ENIs as the stack's own (a re-run), not a clash", () => {
    const config = exampleConfig("isatap");
    const facts = factsFor(config);
    for (const id of config.vpc.routeTableIds) {
      found(facts.routeTables[id]).routes.push({
        destination: "192.168.10.0/24",
        target: "eni-0gwb",
      });
    }
    facts.siteNetworkInterfaces = { found: ["eni-0gwa", "eni-0gwb"] };
    config.vpc.adoptRoutes = ["rtb-0aaa1111_192.168.10.0/24"];
    const verdict = awsPreflight(config, facts);
    assert.deepEqual(verdict.problems, []);
    assert.deepEqual(verdict.routeImports, []);
    assert.equal(verdict.notes.length, 1);
    assert.match(
      verdict.notes[0],
      /rtb-0aaa1111_192\.168\.10\.0\/24 already points at this site's gateways/,
    );
  });

  it("reports a broader route that carries the site today until vpc.overrideRoutes acknowledges it", () => {
    const config = exampleConfig("native");
    const facts = factsFor(config);
    found(facts.routeTables["rtb-0ccc3333"]).routes.push(
      { destination: "172.16.0.0/12", target: "tgw-0abc" },
      { destination: "0.0.0.0/0", target: "nat-0def" },
    );
    const problems = problemsOf(config, facts);
    assert.deepEqual(
      problems.map((p) => p.slice(0, 130)),
      [
        `${NS}:vpc.routeTableIds[0]: in rtb-0ccc3333, 172.20.0.0/22 is carried today by 172.16.0.0/12 to tgw-0abc; the gateways' more`,
        `${NS}:vpc.routeTableIds[0]: in rtb-0ccc3333, 172.20.8.0/24 is carried today by 172.16.0.0/12 to tgw-0abc; the gateways' more`,
      ].map((p) => p.slice(0, 130)),
    );
    assert.match(problems[0], /add "rtb-0ccc3333_172\.20\.0\.0\/22" to vpc\.overrideRoutes/);
    assert.match(problems[0], /once the standby gateway passes its health gate/);
    config.vpc.overrideRoutes = ["rtb-0ccc3333_172.20.0.0/22", "rtb-0ccc3333_172.20.8.0/24"];
    assert.deepEqual(problemsOf(config, facts), []);
  });

  it("counts only strictly broader routes that contain the site CIDR, not local ones", () => {
    const routes = [
      { destination: "172.20.0.0/16", target: "vgw-1" },
      { destination: "172.20.0.0/22", target: "pcx-1" },
      { destination: "172.20.4.0/22", target: "tgw-1" },
      { destination: "172.20.0.0/23", target: "tgw-2" },
      { destination: "172.16.0.0/12", target: "local" },
    ];
    assert.deepEqual(coveringRoutes(routes, "172.20.0.0/22"), [routes[0]]);
  });

  it("ignores a default route to the internet, but not one to a transit gateway", () => {
    const routes = [
      { destination: "0.0.0.0/0", target: "nat-0abc" },
      { destination: "0.0.0.0/0", target: "igw-0abc" },
      { destination: "0.0.0.0/0", target: "tgw-0abc" },
      { destination: "172.0.0.0/8", target: "nat-0abc" },
    ];
    assert.deepEqual(coveringRoutes(routes, "172.20.0.0/22"), [routes[2], routes[3]]);
  });

  it("reports every problem at once, each line starting with its key", () => {
    const config = exampleConfig("isatap");
    const facts = factsFor(config);
    config.gateways[0].privateIp = "10.0.1.1";
    found(facts.subnets["subnet-0bbb2222"]).availabilityZone = "ap-northeast-1a";
    found(facts.routeTables["rtb-0bbb2222"]).routes.push({
      destination: "192.168.10.0/24",
      target: "vgw-0x",
    });
    found(facts.routeTables["rtb-0aaa1111"]).vpcId = "vpc-0other";
    const { problems } = awsPreflight(config, facts);
    assert.deepEqual(
      problems.map((p) => p.path),
      [
        `${NS}:gateways[0].privateIp`,
        `${NS}:gateways[1].subnetId`,
        `${NS}:vpc.routeTableIds[0]`,
        `${NS}:vpc.routeTableIds[1]`,
      ],
    );
    const lines = preflightMessage(problems).split("\n");
    assert.equal(lines[0], "AWS preflight: 4 problem(s); nothing was created or changed:");
    assert.ok(lines.slice(1).every((l, i) => l.startsWith(`${problems[i].path}: `)));
  });

  it("refuses to judge existing routes when this site's ENIs cannot be listed", () => {
    const config = exampleConfig("isatap");
    const facts = factsFor(config);
    found(facts.routeTables["rtb-0aaa1111"]).routes.push({
      destination: "192.168.10.0/24",
      target: "eni-0gwb",
    });
    facts.siteNetworkInterfaces = { error: "UnauthorizedOperation" };
    const problems = problemsOf(config, facts);
    assert.equal(problems.length, 1);
    assert.match(
      problems[0],
      /^vpc-ipip6-gateway:vpc\.id: the ENIs tagged with this site in vpc-0abc1234 could not be listed: UnauthorizedOperation/,
    );
  });

  it("writes import ids in the provider's ROUTETABLEID_DESTINATION form", () => {
    assert.equal(routeRef("rtb-0aaa1111", "192.168.10.0/24"), "rtb-0aaa1111_192.168.10.0/24");
  });
});
