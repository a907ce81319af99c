import assert from "node:assert/strict";
import {
  keepaliveDetectionBoundMs,
  parseRtxIntent,
  RTX_DEFAULT_WAIT_S,
} from "../../lab/rtx-intent";

const RENDERED = [
  "ipv6 filter 101035 pass 2001:db8:1::5efe:a00:10a,2001:db8:1::5efe:a00:20a * 4",
  "ipv6 lan2 secure filter in 101035",
  "tunnel select 1",
  " description tunnel vpc-ipip6-gateway:osaka:gw-a",
  " tunnel encapsulation ipip",
  " tunnel endpoint address 2001:db8:ff::2 2001:db8:1::5efe:a00:10a",
  " ip tunnel mtu 1440",
  " ip tunnel tcp mss limit auto",
  " tunnel enable 1",
  "tunnel select 2",
  " tunnel encapsulation ipip",
  " tunnel endpoint address 2001:db8:1::5efe:a00:20a",
  " tunnel enable 2",
  "ip keepalive 1 icmp-echo 1 3 10.0.1.10 upwait=1 downwait=2 local-address=192.168.10.1",
  "ip keepalive 2 icmp-echo 2 4 10.0.2.10",
  "ip route 10.0.1.10 gateway tunnel 1",
  "ip route 10.0.0.0/16 gateway tunnel 1 keepalive 1 gateway tunnel 2 keepalive 2 weight 0",
];

describe("lab: RTX intent from the rendered commands", () => {
  const intent = parseRtxIntent(RENDERED);

  it("takes each tunnel's remote endpoint, MTU and MSS clamp from its tunnel select block", () => {
    assert.deepEqual(intent.tunnels, [
      {
        id: 1,
        remote: "2001:db8:1::5efe:a00:10a",
        encapsulation: "ipip",
        mtu: 1440,
        mssAuto: true,
        enabled: true,
      },
      {
        id: 2,
        remote: "2001:db8:1::5efe:a00:20a",
        encapsulation: "ipip",
        mtu: undefined,
        mssAuto: false,
        enabled: true,
      },
    ]);
  });

  it("reads keepalive interval, count, target and options, with YAMAHA's default waits", () => {
    assert.deepEqual(intent.keepalives[0], {
      id: 1,
      kind: "icmp-echo",
      intervalS: 1,
      count: 3,
      target: "10.0.1.10",
      localAddress: "192.168.10.1",
      upwaitS: 1,
      downwaitS: 2,
    });
    assert.equal(intent.keepalives[1].upwaitS, RTX_DEFAULT_WAIT_S);
    assert.equal(intent.keepalives[1].localAddress, undefined);
  });

  it("bounds detection by interval x count, whatever the waits", () => {
    assert.equal(keepaliveDetectionBoundMs(intent.keepalives[0]), 3000);
    assert.equal(keepaliveDetectionBoundMs(intent.keepalives[1]), 8000);
  });

  it("reads static routes and the keepalive failover route with its backup hop", () => {
    assert.deepEqual(intent.routes, [
      { destination: "10.0.1.10", hops: [{ tunnel: 1 }] },
      {
        destination: "10.0.0.0/16",
        hops: [
          { tunnel: 1, keepalive: 1 },
          { tunnel: 2, keepalive: 2, weight: 0 },
        ],
      },
    ]);
  });

  it("ignores lines the stand-in has no part in (filters, descriptions)", () => {
    assert.equal(parseRtxIntent(RENDERED.slice(0, 2)).tunnels.length, 0);
  });

  it("refuses what it cannot mirror instead of guessing", () => {
    assert.throws(
      () => parseRtxIntent(["tunnel select 3", " ip tunnel mtu 1400"]),
      /tunnel 3: no "tunnel endpoint"/,
    );
    assert.throws(() => parseRtxIntent(["ip keepalive 1 icmp-echo 1 3"]), /cannot read keepalive/);
    assert.throws(() => parseRtxIntent(["ip keepalive 1 lcp-echo 1 3 x"]), /not mirrored/);
    assert.throws(
      () => parseRtxIntent(["ip route default gateway 10.0.0.1"]),
      /only tunnel routes/,
    );
    assert.throws(
      () => parseRtxIntent(["ip route default gateway tunnel 1 metric 2"]),
      /unknown route option "metric"/,
    );
  });
});
