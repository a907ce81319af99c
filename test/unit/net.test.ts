import assert from "node:assert/strict";
import {
  cidrsOverlap,
  formatIpv4,
  isGloballyUniqueIpv4,
  parseIpv4,
  parseIpv4Cidr,
} from "../../src/net/ipv4";
import { canonicalIpv6, parseIpv6Prefix } from "../../src/net/ipv6";
import { isatapAddress, isatapLinkLocal } from "../../src/net/isatap";
import { pathTunnelMtu, tcpMss, tunnelMtu } from "../../src/net/mtu";
import { renderText } from "../../src/cli/render-text";
import { renderSite } from "../../src/render/site";
import { exampleConfig } from "../support/stacks";

const v4 = (text: string) => {
  const value = parseIpv4(text);
  assert.notEqual(value, undefined, text);
  return value as number;
};
const cidr = (text: string) => {
  const parsed = parseIpv4Cidr(text);
  assert.ok("cidr" in parsed, text);
  return parsed.cidr;
};

describe("IPv4 arithmetic", () => {
  it("parses dotted quads and rejects malformed ones", () => {
    assert.equal(formatIpv4(v4("10.0.1.10")), "10.0.1.10");
    assert.equal(v4("255.255.255.255"), 0xffffffff);
    for (const bad of ["10.0.1", "10.0.1.256", "10.0.01.1", "a.b.c.d", "10.0.1.1.1", ""]) {
      assert.equal(parseIpv4(bad), undefined, bad);
    }
  });

  it("rejects a CIDR with host bits set and names the network meant", () => {
    const parsed = parseIpv4Cidr("10.0.1.5/24");
    assert.ok("error" in parsed);
    assert.match(parsed.error, /10\.0\.1\.0\/24/);
    assert.ok("error" in parseIpv4Cidr("10.0.0.0/33"));
    assert.ok("error" in parseIpv4Cidr("10.0.0.0"));
  });

  it("detects overlap in either direction and not between neighbours", () => {
    assert.ok(cidrsOverlap(cidr("10.0.0.0/16"), cidr("10.0.5.0/24")));
    assert.ok(cidrsOverlap(cidr("10.0.5.0/24"), cidr("10.0.0.0/16")));
    assert.ok(!cidrsOverlap(cidr("192.168.10.0/24"), cidr("192.168.11.0/24")));
    assert.ok(cidrsOverlap(cidr("0.0.0.0/0"), cidr("203.0.113.0/24")));
  });

  it("counts RFC 1918, shared, link-local and documentation space as not globally unique", () => {
    for (const local of [
      "10.1.2.3",
      "172.31.255.1",
      "192.168.0.1",
      "100.64.0.1",
      "169.254.1.1",
      "192.0.2.1",
    ]) {
      assert.equal(isGloballyUniqueIpv4(v4(local)), false, local);
    }
    for (const global of ["8.8.8.8", "172.32.0.1", "100.128.0.1", "54.240.1.1"]) {
      assert.equal(isGloballyUniqueIpv4(v4(global)), true, global);
    }
  });
});

describe("IPv6 text", () => {
  it("formats canonically per RFC 5952", () => {
    assert.equal(canonicalIpv6("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
    assert.equal(canonicalIpv6("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1"); // first longest run
    assert.equal(canonicalIpv6("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1"); // no :: for one group
    assert.equal(canonicalIpv6("::"), "::");
    assert.equal(canonicalIpv6("fe80::5efe:10.0.1.10"), "fe80::5efe:a00:10a");
  });

  it("rejects malformed addresses", () => {
    for (const bad of [
      "2001:db8::1::2",
      "2001:db8:1:2:3:4:5:6:7",
      "12345::",
      "2001:db8::g",
      "1.2.3.4",
    ]) {
      assert.equal(canonicalIpv6(bad), undefined, bad);
    }
  });

  it("parses prefixes and rejects bits past the length", () => {
    const ok = parseIpv6Prefix("2001:db8:1::/64");
    assert.ok("prefix" in ok && ok.prefix.length === 64);
    assert.ok("error" in parseIpv6Prefix("2001:db8:1::1/64"));
    assert.ok("error" in parseIpv6Prefix("2001:db8:1::/129"));
  });
});

describe("ISATAP addresses (RFC 5214 §6.1)", () => {
  const prefix = [0x2001, 0xdb8, 1, 0];

  it("uses interface id 0:5efe for a private IPv4 address", () => {
    assert.equal(isatapAddress(prefix, v4("10.0.1.10")), "2001:db8:1::5efe:a00:10a");
  });

  it("sets the u bit (200:5efe) for a globally unique IPv4 address", () => {
    assert.equal(isatapAddress(prefix, v4("54.240.1.2")), "2001:db8:1:0:200:5efe:36f0:102");
  });

  it("forms the router's link-local next hop the same way", () => {
    assert.equal(isatapLinkLocal(v4("10.255.2.129")), "fe80::5efe:aff:281");
    assert.equal(isatapLinkLocal(v4("54.240.1.2")), "fe80::200:5efe:36f0:102");
  });
});

describe("tunnel MTU and MSS", () => {
  it("gives 1440 for isatap 1500/1500 and 1460 for native 1500", () => {
    assert.equal(tunnelMtu({ mode: "isatap", pathMtu: 1500, underlayMtu: 1500 }), 1440);
    assert.equal(tunnelMtu({ mode: "native", pathMtu: 1500, underlayMtu: 1500 }), 1460);
    assert.equal(tcpMss(1440), 1400);
  });

  it("takes the smaller of the IPv6 path and the ISATAP underlay", () => {
    assert.equal(tunnelMtu({ mode: "isatap", pathMtu: 1500, underlayMtu: 9001 }), 1460);
    assert.equal(pathTunnelMtu({ mode: "isatap", pathMtu: 9001, underlayMtu: 9001 }), 8941);
    assert.equal(tunnelMtu({ mode: "isatap", pathMtu: 1280, underlayMtu: 1500 }), 1240);
    assert.equal(pathTunnelMtu({ mode: "native", pathMtu: 9001, underlayMtu: 1500 }), 8961);
  });

  it("caps both ends at 1500, the largest ip tunnel mtu an RTX takes (reference 8.1.4)", () => {
    assert.equal(tunnelMtu({ mode: "native", pathMtu: 9001, underlayMtu: 1500 }), 1500);
    assert.equal(tunnelMtu({ mode: "isatap", pathMtu: 9001, underlayMtu: 9001 }), 1500);
    assert.equal(tunnelMtu({ mode: "native", pathMtu: 1540, underlayMtu: 1500 }), 1500);
    assert.equal(tunnelMtu({ mode: "native", pathMtu: 1539, underlayMtu: 1500 }), 1499);
  });
});

describe("rendering a jumbo path", () => {
  const config = exampleConfig("native");
  const jumbo = { ...config, ipv6: { ...config.ipv6, pathMtu: 9001 } };
  const site = renderSite(jumbo);

  it("gives the RTX and the gateways the same 1500 and notes the cap", () => {
    assert.deepEqual(site.tunnel, { mtu: 1500, mss: 1460, cappedFrom: 8961 });
    assert.ok(site.rtx.commands.includes(" ip tunnel mtu 1500"));
    assert.ok(!site.rtx.commands.some((l) => / ip tunnel mtu (?!1500)/.test(l)));
    for (const gateway of site.gateways) {
      const files = Object.values(gateway.files).join("\n");
      assert.match(files, /^TUNNEL_MTU=1500$/m);
      assert.doesNotMatch(files, /8961/);
    }
    assert.match(renderText(site), /the path would carry 8961; both ends get 1500/);
    assert.doesNotMatch(renderText(renderSite(config)), /the path would carry/);
  });
});
