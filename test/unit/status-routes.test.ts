/** Route targets from EC2, against aws-sdk-client-mock (answers shaped as EC2's API reference). */
import assert from "node:assert/strict";
import {
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  EC2Client,
  EC2ServiceException,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { readRoutes } from "../../src/status/routes";

const ec2Mock = mockClient(EC2Client);
const INPUT = {
  vpcId: "vpc-0123",
  routeTableIds: ["rtb-a", "rtb-b"],
  cidrs: ["192.168.10.0/24", "192.168.20.0/24"],
  gateways: [
    { name: "gw-a", privateIp: "10.0.1.10" },
    { name: "gw-b", privateIp: "10.0.2.10" },
  ],
};
const ENIS = {
  NetworkInterfaces: [
    {
      NetworkInterfaceId: "eni-a",
      PrivateIpAddress: "10.0.1.10",
      PrivateIpAddresses: [{ PrivateIpAddress: "10.0.1.10", Primary: true }],
    },
    {
      NetworkInterfaceId: "eni-b",
      PrivateIpAddress: "10.0.2.10",
      PrivateIpAddresses: [{ PrivateIpAddress: "10.0.2.10", Primary: true }],
    },
  ],
};
const local = { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", State: "active" as const };

describe("status: VPC route targets (EC2 mocked)", () => {
  beforeEach(() => ec2Mock.reset());

  it("names each managed route's target: gw-a, gw-b, blackhole, something else, or missing", async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves(ENIS);
    ec2Mock.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: "rtb-a",
          Routes: [
            local,
            {
              DestinationCidrBlock: "192.168.10.0/24",
              NetworkInterfaceId: "eni-a",
              State: "active",
            },
            {
              DestinationCidrBlock: "192.168.20.0/24",
              NetworkInterfaceId: "eni-b",
              State: "active",
            },
          ],
        },
        {
          RouteTableId: "rtb-b",
          Routes: [
            local,
            {
              DestinationCidrBlock: "192.168.10.0/24",
              NetworkInterfaceId: "eni-gone",
              State: "blackhole",
            },
            { DestinationCidrBlock: "192.168.20.0/24", NatGatewayId: "nat-1", State: "active" },
          ],
        },
      ],
    });
    const view = await readRoutes(new EC2Client({ region: "ap-northeast-1" }), INPUT);
    assert.ok("routes" in view);
    assert.deepEqual(
      view.routes.map((r) => [r.routeTableId, r.destinationCidrBlock, r.target]),
      [
        [
          "rtb-a",
          "192.168.10.0/24",
          { kind: "gateway", gateway: "gw-a", networkInterfaceId: "eni-a" },
        ],
        [
          "rtb-a",
          "192.168.20.0/24",
          { kind: "gateway", gateway: "gw-b", networkInterfaceId: "eni-b" },
        ],
        ["rtb-b", "192.168.10.0/24", { kind: "blackhole", networkInterfaceId: "eni-gone" }],
        ["rtb-b", "192.168.20.0/24", { kind: "other", description: "NatGatewayId nat-1" }],
      ],
    );
  });

  it("finds the gateways' ENIs by their private IPs in the stack's VPC, and reads only the managed tables", async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves(ENIS);
    ec2Mock
      .on(DescribeRouteTablesCommand)
      .resolves({ RouteTables: [{ RouteTableId: "rtb-a", Routes: [] }] });
    const view = await readRoutes(new EC2Client({ region: "ap-northeast-1" }), INPUT);
    const eniCall = ec2Mock.commandCalls(DescribeNetworkInterfacesCommand)[0].args[0].input;
    assert.deepEqual(eniCall.Filters, [
      { Name: "vpc-id", Values: ["vpc-0123"] },
      { Name: "addresses.private-ip-address", Values: ["10.0.1.10", "10.0.2.10"] },
    ]);
    assert.deepEqual(ec2Mock.commandCalls(DescribeRouteTablesCommand)[0].args[0].input, {
      RouteTableIds: ["rtb-a", "rtb-b"],
    });
    assert.ok("routes" in view);
    assert.deepEqual(
      view.routes.map((r) => r.target.kind),
      ["missing", "missing", "missing", "missing"],
    );
  });

  it("turns an AWS error into the source's reason and never throws", async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(
      new EC2ServiceException({
        name: "UnauthorizedOperation",
        $fault: "client",
        $metadata: { httpStatusCode: 403 },
        message:
          "You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/ops is not authorized to perform: ec2:DescribeNetworkInterfaces",
      }),
    );
    const view = await readRoutes(new EC2Client({ region: "ap-northeast-1" }), INPUT);
    assert.ok("error" in view);
    assert.match(view.error, /^UnauthorizedOperation: You are not authorized/);
  });
});
