import assert from "node:assert/strict";
import * as path from "path";
import {
  planTopology,
  gatewaySubnetPrefix,
  pickHost,
  pickVpcHostSubnet,
  subnetRouter,
} from "../../lab/topology";
import { loadAndRender } from "../../lab/stack";

const STACKS = path.resolve(__dirname, "..", "..", "stacks");

describe("lab: topology from the stack", () => {
  it("puts the gateways in /24s when those differ, narrower when they do not", () => {
    assert.equal(gatewaySubnetPrefix("10.0.1.10", "10.0.2.10", 16), 24);
    assert.equal(gatewaySubnetPrefix("10.0.1.10", "10.0.1.140", 16), 25);
    assert.equal(gatewaySubnetPrefix("10.0.1.10", "10.0.1.20", 16), 28);
    assert.equal(gatewaySubnetPrefix("10.0.1.10", "10.0.1.140", 26), 26);
    assert.throws(() => gatewaySubnetPrefix("10.0.1.10", "10.0.1.11", 16), /two different subnets/);
  });

  it("gives each subnet the VPC router at its first host, unless the gateway holds it", () => {
    assert.equal(subnetRouter("10.0.1.10", 24), "10.0.1.1");
    assert.equal(subnetRouter("10.0.1.1", 24), "10.0.1.254");
  });

  it("picks free host addresses and a VPC host subnet clear of the gateways", () => {
    assert.equal(pickHost("192.168.10.0/24", ["192.168.10.1"]), "192.168.10.10");
    assert.equal(pickHost("192.168.10.0/24", ["192.168.10.10"]), "192.168.10.11");
    assert.equal(pickHost("192.168.10.0/29", []), "192.168.10.2");
    assert.equal(pickVpcHostSubnet("10.0.0.0/16", 24, ["10.0.1.10"]), "10.0.255.0/24");
    assert.equal(pickVpcHostSubnet("10.0.0.0/23", 24, ["10.0.1.10"]), "10.0.0.0/24");
    assert.throws(() => pickVpcHostSubnet("10.0.0.0/24", 24, ["10.0.0.10"]), /no \/24/);
  });

  it("builds the isatap example's lab from its own addresses and MTUs", () => {
    const { config, site } = loadAndRender(path.join(STACKS, "Pulumi.example-isatap.yaml"));
    const t = planTopology(config, site);
    assert.deepEqual(
      t.gateways.map((g) => [g.name, g.privateIp, g.prefix, g.router, g.tunnelAddress]),
      [
        ["gw-a", "10.0.1.10", 24, "10.0.1.1", "2001:db8:1::5efe:a00:10a"],
        ["gw-b", "10.0.2.10", 24, "10.0.2.1", "2001:db8:1::5efe:a00:20a"],
      ],
    );
    assert.equal(t.isatapRouter, "10.255.2.129");
    assert.equal(t.isatapRouterV6, "2001:db8:1::5efe:aff:281");
    assert.equal(t.vpcHost.ip, "10.0.255.10");
    assert.deepEqual([t.vpcLinkMtu, t.uplinkMtu, t.pathMtu], [1500, 1500, 1500]);
    assert.deepEqual(t.rtx, {
      ipv6Address: "2001:db8:ff::2",
      lanAddress: "192.168.10.1",
      lanPrefix: 24,
    });
    assert.equal(t.siteHost, "192.168.10.10");
    assert.equal(new Set(t.gateways.map((g) => g.eni)).size, 2);
    assert.match(t.gateways[0].eni, /^eni-[0-9a-f]{17}$/);
  });

  it("builds the native example's lab with the gateways' own IPv6 addresses", () => {
    const { config, site } = loadAndRender(path.join(STACKS, "Pulumi.example-native.yaml"));
    const t = planTopology(config, site);
    assert.equal(t.mode, "native");
    assert.deepEqual(
      t.gateways.map((g) => g.ipv6Address),
      ["2001:db8:100:1::10", "2001:db8:100:2::10"],
    );
    assert.equal(t.isatapRouterV6, undefined);
    assert.equal(t.rtx.lanPrefix, 22);
    assert.equal(t.siteHost, "172.20.0.10");
  });
});
