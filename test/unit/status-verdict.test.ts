/** The verdict and exit code from the three views (pure). */
import assert from "node:assert/strict";
import { GatewayState, GatewayView, RoutesView, RtxView } from "../../src/status/types";
import { EXIT_CODES, judge } from "../../src/status/verdict";

const NOW = 1764316900;
function gw(
  name: string,
  over: Partial<GatewayState> = {},
  tunnel: "up" | "down" = "up",
): GatewayView {
  return {
    name,
    privateIp: name === "gw-a" ? "10.0.1.10" : "10.0.2.10",
    state: {
      keepalivedActive: true,
      holdsPlaceholder: name === "gw-a",
      vrrp: name === "gw-a" ? "MASTER" : "BACKUP",
      vrrpTransitions: [],
      tunnel: {
        state: tunnel,
        since: NOW - 100,
        updatedAt: NOW - 1,
        lossPercent: 0,
        probes: 50,
        rttMs: { min: 3, avg: 4, max: 5 },
        transitions: [],
      },
      now: NOW,
      ...over,
    },
  };
}
const routesOn = (g: string): RoutesView => ({
  routes: [
    {
      routeTableId: "rtb-a",
      destinationCidrBlock: "192.168.10.0/24",
      target: { kind: "gateway", gateway: g, networkInterfaceId: `eni-${g}` },
    },
  ],
});
const rtxVia = (g: string | null): RtxView => ({
  tunnels: [
    { gateway: "gw-a", tunnelId: 1, tunnel: "online", evidence: [] },
    { gateway: "gw-b", tunnelId: 2, tunnel: "online", evidence: [] },
  ],
  routes: [{ destination: "10.0.0.0/16", gateway: g, interface: g ? "TUNNEL[1]" : null }],
});

describe("status verdict", () => {
  it("healthy (exit 0): routes on the master, both tunnels up, the RTX through a gateway", () => {
    const j = judge(routesOn("gw-a"), [gw("gw-a"), gw("gw-b")], rtxVia("gw-a"));
    assert.equal(j.verdict, "healthy");
    assert.equal(EXIT_CODES[j.verdict], 0);
    assert.equal(j.summary, "healthy: traffic on gw-a, gw-b standing by, both tunnels up");
  });

  it("degraded (exit 1): the standby's tunnel is down, so there is no redundancy", () => {
    const j = judge(
      routesOn("gw-a"),
      [gw("gw-a"), gw("gw-b", { vrrp: "FAULT" }, "down")],
      rtxVia("gw-a"),
    );
    assert.equal(j.verdict, "degraded");
    assert.equal(EXIT_CODES[j.verdict], 1);
    assert.match(j.summary, /^degraded: no redundancy: gw-b's tunnel is down/);
  });

  it("down (exit 2): both tunnels down, or a route that goes nowhere", () => {
    const both = judge(
      routesOn("gw-a"),
      [gw("gw-a", {}, "down"), gw("gw-b", {}, "down")],
      rtxVia(null),
    );
    assert.equal(both.verdict, "down");
    assert.equal(EXIT_CODES.down, 2);
    assert.ok(both.reasons.includes("both tunnels are down"));
    const hole = judge(
      {
        routes: [
          {
            routeTableId: "rtb-a",
            destinationCidrBlock: "192.168.10.0/24",
            target: { kind: "blackhole" },
          },
        ],
      },
      [gw("gw-a"), gw("gw-b")],
      rtxVia("gw-a"),
    );
    assert.equal(hole.verdict, "down");
    assert.match(hole.summary, /route 192\.168\.10\.0\/24 in rtb-a is a blackhole/);
  });

  it("down when the RTX has no route to the VPC (both its keepalives down)", () => {
    const j = judge(routesOn("gw-a"), [gw("gw-a"), gw("gw-b")], rtxVia(null));
    assert.equal(j.verdict, "down");
  });

  it("unknown (exit 3) when nothing is wrong but a source could not be read, naming it", () => {
    const j = judge(
      { error: "CredentialsProviderError: Could not load credentials" },
      [gw("gw-a"), gw("gw-b")],
      { error: "RTX_PASSWORD is not set" },
    );
    assert.equal(j.verdict, "unknown");
    assert.equal(EXIT_CODES.unknown, 3);
    assert.equal(j.summary, "unknown: nothing wrong seen (not read: AWS, RTX)");
  });

  it("a fault still wins over an unreadable source, and the summary names what was not read", () => {
    const j = judge(
      routesOn("gw-a"),
      [gw("gw-a"), { name: "gw-b", privateIp: "10.0.2.10", state: { error: "timed out" } }],
      rtxVia("gw-a"),
    );
    assert.equal(j.verdict, "unknown");
    const k = judge(
      routesOn("gw-a"),
      [
        gw("gw-a", {}, "down"),
        { name: "gw-b", privateIp: "10.0.2.10", state: { error: "timed out" } },
      ],
      rtxVia("gw-a"),
    );
    assert.equal(k.verdict, "down");
    assert.match(k.summary, /\(not read: gw-b\)$/);
  });

  it("a stale prober status is no word on the tunnel: degraded, not healthy", () => {
    const stale = gw("gw-b");
    (stale.state as GatewayState).tunnel!.updatedAt = NOW - 60;
    const j = judge(routesOn("gw-a"), [gw("gw-a"), stale], rtxVia("gw-a"));
    assert.equal(j.verdict, "degraded");
    assert.match(j.reasons[0], /gw-b's prober status is 60 s old/);
  });

  it("degraded while the routes are not on the master, and on a split brain", () => {
    const lag = judge(routesOn("gw-b"), [gw("gw-a"), gw("gw-b")], rtxVia("gw-a"));
    assert.equal(lag.verdict, "degraded");
    assert.match(lag.summary, /routes point at gw-b while gw-a is master/);
    const split = judge(
      routesOn("gw-a"),
      [gw("gw-a"), gw("gw-b", { vrrp: "MASTER", holdsPlaceholder: true })],
      rtxVia("gw-a"),
    );
    assert.match(split.reasons.join("\n"), /both VRRP master/);
  });
});
