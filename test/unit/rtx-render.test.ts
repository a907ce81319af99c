import assert from "node:assert/strict";
import { renderRtx } from "../../src/rtx/render";
import { exampleConfig } from "../support/stacks";

const isatap = renderRtx(exampleConfig("isatap"));
const native = renderRtx(exampleConfig("native"));

describe("RTX rendering", () => {
  it("passes protocol 4 from exactly the two gateway addresses and adds it to the WAN's in list", () => {
    assert.equal(
      isatap.commands[0],
      "ipv6 filter 101035 pass 2001:db8:1::5efe:a00:10a,2001:db8:1::5efe:a00:20a * 4",
    );
    assert.equal(isatap.commands[1], "ipv6 lan2 secure filter in 101035");
  });

  it("renders each tunnel block with encapsulation, endpoints, MTU, MSS and enable", () => {
    const start = native.commands.indexOf("tunnel select 12");
    assert.deepEqual(native.commands.slice(start, start + 7), [
      "tunnel select 12",
      " description tunnel vpc-ipip6-gateway:nagoya:gw-b",
      " tunnel encapsulation ipip",
      " tunnel endpoint address 2001:db8:ff:20::1 2001:db8:100:2::10",
      " ip tunnel mtu 1460",
      " ip tunnel tcp mss limit auto",
      " tunnel enable 12",
    ]);
  });

  it("probes each gateway from the LAN address and routes each probe through its own tunnel", () => {
    assert.ok(
      isatap.commands.includes(
        "ip keepalive 1 icmp-echo 1 3 10.0.1.10 upwait=1 downwait=1 local-address=192.168.10.1",
      ),
    );
    assert.ok(
      isatap.commands.includes(
        "ip keepalive 2 icmp-echo 1 3 10.0.2.10 upwait=1 downwait=1 local-address=192.168.10.1",
      ),
    );
    assert.ok(isatap.commands.includes("ip route 10.0.1.10 gateway tunnel 1"));
    assert.ok(isatap.commands.includes("ip route 10.0.2.10 gateway tunnel 2"));
  });

  it("routes every VPC network through tunnel A while its keepalive holds, else tunnel B", () => {
    assert.equal(
      isatap.commands.at(-1),
      "ip route 10.0.0.0/16 gateway tunnel 1 keepalive 1 gateway tunnel 2 keepalive 2 weight 0",
    );
    assert.ok(
      !isatap.commands.some((line) => /ipip keepalive/.test(line)),
      "no YAMAHA-only ipip keepalive toward Linux",
    );
  });

  it("removes routes first and the filter last, with no-forms", () => {
    assert.equal(isatap.removeCommands[0], "no ip route 10.0.0.0/16");
    assert.equal(isatap.removeCommands.at(-1), "no ipv6 filter 101035");
    assert.ok(isatap.removeCommands.includes(" no tunnel enable 1"));
    assert.ok(
      isatap.removeCommands.indexOf("no ip keepalive 1") <
        isatap.removeCommands.indexOf("tunnel select 1"),
    );
  });

  it("states the keepalive detection bound as interval × count", () => {
    assert.equal(isatap.keepaliveDetectionMs, 3000);
  });
});
