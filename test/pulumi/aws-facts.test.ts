import * as assert from "assert";
import { routeFactsOf } from "../../components/lib/awsFacts";

/** A route as the lookup returns it: every field present, the unset ones "". */
function lookupRoute(fields: Record<string, string>): Record<string, string> {
  const empty = Object.fromEntries(
    [
      "cidrBlock",
      "ipv6CidrBlock",
      "destinationPrefixListId",
      "gatewayId",
      "transitGatewayId",
      "natGatewayId",
      "networkInterfaceId",
      "vpcPeeringConnectionId",
      "instanceId",
    ].map((f) => [f, ""]),
  );
  return { ...empty, ...fields };
}

describe("components/lib/awsFacts: routes from the route-table lookup", () => {
  it("keeps IPv4 routes with the id of their one target, and drops IPv6 and prefix-list routes", () => {
    const routes = [
      lookupRoute({ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-0a" }),
      lookupRoute({ cidrBlock: "192.168.0.0/16", transitGatewayId: "tgw-0b" }),
      lookupRoute({ cidrBlock: "172.16.0.0/12", gatewayId: "vgw-0c" }),
      lookupRoute({ cidrBlock: "10.9.0.0/16", vpcPeeringConnectionId: "pcx-0d" }),
      lookupRoute({ cidrBlock: "192.168.10.0/24", networkInterfaceId: "eni-0e" }),
      lookupRoute({ ipv6CidrBlock: "::/0", gatewayId: "igw-0f" }),
      lookupRoute({ destinationPrefixListId: "pl-01", gatewayId: "vpce-01" }),
    ];
    assert.deepStrictEqual(routeFactsOf(routes), [
      { destination: "0.0.0.0/0", target: "nat-0a" },
      { destination: "192.168.0.0/16", target: "tgw-0b" },
      { destination: "172.16.0.0/12", target: "vgw-0c" },
      { destination: "10.9.0.0/16", target: "pcx-0d" },
      { destination: "192.168.10.0/24", target: "eni-0e" },
    ]);
  });

  it('says "no target" for a route whose target fields are all empty', () => {
    assert.deepStrictEqual(routeFactsOf([lookupRoute({ cidrBlock: "192.168.10.0/24" })]), [
      { destination: "192.168.10.0/24", target: "no target" },
    ]);
  });
});
