import assert from "assert";
import { keyLength, makeLine, parseCommandList, removalLine } from "../../src/rtx/model";
import { canonicalIpv6, tokenize } from "../../src/rtx/normalize";
import { parseShowConfig, unwrapLines } from "../../src/rtx/show-config";
import { removalCommands } from "../../src/rtx/plan";
import { EXAMPLE_RTX_COMMANDS_WITH_SLASH_32 } from "../support/rtx-example";

const EXAMPLE = [...EXAMPLE_RTX_COMMANDS_WITH_SLASH_32];

describe("rtx model: normalisation and keys", () => {
  it("tokenizes quotes and escapes as the console does", () => {
    assert.deepStrictEqual(tokenize(`description tunnel "a b" c\\ d 'e'`), [
      "description",
      "tunnel",
      "a b",
      "c d",
      "e",
    ]);
  });

  it("canonicalises IPv6 addresses (RFC 5952), including embedded IPv4", () => {
    assert.strictEqual(canonicalIpv6("2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
    assert.strictEqual(canonicalIpv6("2001:db8:1::5efe:10.0.1.10"), "2001:db8:1::5efe:a00:10a");
    assert.strictEqual(canonicalIpv6("2001:db8:0:1:0:0:1:1"), "2001:db8:0:1::1:1");
    assert.strictEqual(canonicalIpv6("10.0.0.1"), undefined);
    assert.strictEqual(canonicalIpv6("1:2:3:4:5:6:7:8:9"), undefined);
  });

  it("sees a host route printed without /32 and IPv6 in another spelling as the same line", () => {
    assert.strictEqual(
      makeLine("ip route 10.0.1.10/32 gateway tunnel 1", null).norm,
      makeLine("ip route 10.0.1.10 gateway tunnel 1", null).norm,
    );
    const ctx = { kind: "tunnel", id: "1" };
    assert.strictEqual(
      makeLine("tunnel endpoint address 2001:DB8:FF:0::2 2001:db8:1::5efe:10.0.1.10", ctx).norm,
      makeLine("tunnel endpoint address 2001:db8:ff::2 2001:db8:1::5efe:a00:10a", ctx).norm,
    );
    assert.strictEqual(
      makeLine(`description tunnel "a b"`, ctx).norm,
      makeLine("description tunnel a b", ctx).norm,
    );
  });

  it("gives each setting a key that ignores its value", () => {
    const a = makeLine("ip route 10.0.0.0/16 gateway tunnel 1", null);
    const b = makeLine("ip route 10.0.0.0/16 gateway tunnel 3 weight 0", null);
    assert.strictEqual(a.key, b.key);
    assert.notStrictEqual(a.norm, b.norm);
    assert.strictEqual(
      makeLine("ip keepalive 1 icmp-echo 1 3 10.0.1.10", null).key,
      "|ip keepalive 1",
    );
    assert.strictEqual(
      makeLine("ip tunnel tcp mss limit auto", { kind: "tunnel", id: "2" }).key,
      "tunnel 2|ip tunnel tcp mss limit",
    );
    assert.strictEqual(
      makeLine("ipv6 lan2 secure filter in 1 2", null).key,
      "|ipv6 lan2 secure filter in",
    );
    assert.strictEqual(keyLength(["some", "unknown", "command"]), 3);
  });

  it("keys tunnel lines by their block", () => {
    const lines = parseCommandList(EXAMPLE);
    const enable1 = lines.find((l) => l.text === "tunnel enable 1");
    assert.strictEqual(enable1?.key, "tunnel 1|tunnel enable");
    assert.strictEqual(lines.find((l) => l.text.startsWith("ip keepalive 1"))?.context, null);
    assert.throws(() => parseCommandList([" ip tunnel mtu 1440"]), /outside/);
  });

  it("uses the reference's no forms", () => {
    const line = (text: string, tunnel = false) =>
      makeLine(text, tunnel ? { kind: "tunnel", id: "1" } : null);
    assert.strictEqual(
      removalLine(line("ip route 10.0.1.10 gateway tunnel 1")),
      "no ip route 10.0.1.10",
    );
    assert.strictEqual(
      removalLine(line("ip keepalive 1 icmp-echo 1 3 10.0.1.10")),
      "no ip keepalive 1",
    );
    assert.strictEqual(removalLine(line("ipv6 filter 101035 pass * * 4")), "no ipv6 filter 101035");
    assert.strictEqual(removalLine(line("tunnel enable 1", true)), "no tunnel enable 1");
    assert.strictEqual(
      removalLine(line("tunnel endpoint address 2001:db8::1 2001:db8::2", true)),
      "no tunnel endpoint address",
    );
    assert.strictEqual(
      removalLine(line("ip tunnel tcp mss limit auto", true)),
      "no ip tunnel tcp mss limit",
    );
  });
});

describe("rtx model: removalCommands", () => {
  it("removes routes, keepalives, tunnels (disable first), our secure filter id, then the filter", () => {
    assert.deepStrictEqual(removalCommands(EXAMPLE), [
      "no ip route 10.0.0.0/16",
      "no ip route 10.0.2.10/32",
      "no ip route 10.0.1.10/32",
      "no ip keepalive 2",
      "no ip keepalive 1",
      "tunnel select 1",
      " no tunnel enable 1",
      " no ip tunnel tcp mss limit",
      " no ip tunnel mtu",
      " no tunnel endpoint address",
      " no tunnel encapsulation",
      " no description tunnel",
      "tunnel select 2",
      " no tunnel enable 2",
      " no ip tunnel tcp mss limit",
      " no ip tunnel mtu",
      " no tunnel endpoint address",
      " no tunnel encapsulation",
      " no description tunnel",
      "no ipv6 lan2 secure filter in 101035",
      "no ipv6 filter 101035",
    ]);
  });
});

describe("rtx show config parser", () => {
  it("reads comments, contexts and indentation", () => {
    const lines = parseShowConfig(
      [
        "# RTX1210 Rev.14.01.42 (Tue Jan 10 10:00:00 2023)",
        "#",
        "ip route default gateway 198.51.100.1",
        "tunnel select 1",
        " tunnel encapsulation ipip",
        " tunnel enable 1",
        "tunnel select 5",
        " ipsec tunnel 101",
        "ipv6 filter 1 pass * *",
        "",
      ].join("\r\n"),
    );
    assert.deepStrictEqual(
      lines.map((l) => l.key),
      [
        "|ip route default",
        "tunnel 1|tunnel encapsulation",
        "tunnel 1|tunnel enable",
        "tunnel 5|ipsec tunnel 101",
        "|ipv6 filter 1",
      ],
    );
  });

  it("joins lines the console wrapped at its width", () => {
    assert.deepStrictEqual(unwrapLines(["abcd", "ef", "xy"], 4), ["abcdef", "xy"]);
    assert.deepStrictEqual(unwrapLines(["abcd", "", "xy"], 4), ["abcd", "xy"]);
    assert.deepStrictEqual(unwrapLines(["abcd", "efgh", "", "z"], 4), ["abcdefgh", "z"]);
    const long = `ipv6 lan2 secure filter in ${Array.from({ length: 20 }, (_, i) => 1000 + i).join(" ")}`;
    const wrapped = [long.slice(0, 80), long.slice(80)];
    const lines = parseShowConfig(wrapped.join("\n"), { columns: 80 });
    assert.strictEqual(lines.length, 1);
    assert.strictEqual(lines[0].text, long);
  });
});
