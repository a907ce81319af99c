import assert from "assert";
import { CommandListError } from "../../src/rtx/errors";
import { keyLength, makeLine, parseCommandList, removalLine } from "../../src/rtx/model";
import { canonicalIpv6, tokenize } from "../../src/rtx/normalize";
import { displayWidth, parseShowConfig, unwrapLines } from "../../src/rtx/show-config";
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

  it("reads option=value parameters in any order, and a default the firmware omits as absent", () => {
    const sent = makeLine(
      "ip keepalive 1 icmp-echo 1 3 10.0.1.10 upwait=1 downwait=1 local-address=192.168.10.1",
      null,
    );
    const shown = makeLine(
      "ip keepalive 1 icmp-echo 1 3 10.0.1.10 local-address=192.168.10.1 downwait=1 upwait=1",
      null,
    );
    assert.strictEqual(shown.norm, sent.norm);
    assert.strictEqual(
      makeLine("ip keepalive 2 icmp-echo 1 3 10.0.2.10 upwait=5 length=64", null).norm,
      makeLine("ip keepalive 2 icmp-echo 1 3 10.0.2.10", null).norm,
    );
    assert.notStrictEqual(
      makeLine("ip keepalive 2 icmp-echo 1 3 10.0.2.10 upwait=1", null).norm,
      makeLine("ip keepalive 2 icmp-echo 1 3 10.0.2.10", null).norm,
    );
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

  const ids = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => String(from + i)).join(" ");
  /** Wraps as a real console does: `columns - 1` characters a physical line. */
  const wrapAt = (line: string, columns: number) =>
    line.match(new RegExp(`.{1,${columns - 1}}`, "g")) as string[];
  const texts = (lines: { text: string }[]) => lines.map((l) => l.text);

  it("rejoins a long list wrapped one column before the width, as real consoles print it", () => {
    // The shape of a public capture at 80 columns: "... 200103 20010" / "0 200102 ...".
    const long = `ip lan2 secure filter in ${ids(200020, 12)} 200100 200102 200103 dynamic 200080 200081`;
    const physical = wrapAt(long, 80);
    assert.strictEqual(physical[0].length, 79);
    const lines = parseShowConfig([...physical, "ip lan2 address 192.0.2.1/24"].join("\r\n"), {
      columns: 80,
    });
    assert.deepStrictEqual(texts(lines), [long, "ip lan2 address 192.0.2.1/24"]);
    assert.ok(lines.every((l) => l.doubt === undefined));
  });

  it("reads a list of forty ids whole at 200 columns, wherever the breaks fall", () => {
    for (let shift = 0; shift < 8; shift++) {
      const long = `ipv6 lan2 secure filter in ${"1".repeat(shift)}${ids(101000, 40)} dynamic 101080 101081`;
      const physical = wrapAt(long, 200);
      assert.ok(physical.length >= 2);
      const lines = parseShowConfig(
        [
          ...physical,
          "ipv6 filter 101000 pass * * icmp6",
          "tunnel select 1",
          " tunnel enable 1",
        ].join("\n"),
        { columns: 200 },
      );
      assert.strictEqual(lines[0].text, long, `shift ${shift}`);
      assert.strictEqual(lines[0].doubt, undefined);
      assert.strictEqual(lines.length, 3);
    }
  });

  it("joins a break that falls inside 'dynamic' or right before a space", () => {
    const head = "ipv6 lan2 secure filter in 1 2 3";
    assert.deepStrictEqual(texts(unwrapLines([`${head} dyn`, "amic 7 8"], head.length + 6)), [
      `${head} dynamic 7 8`,
    ]);
    assert.deepStrictEqual(texts(unwrapLines([head, " 4 5"], head.length + 1)), [`${head} 4 5`]);
  });

  it("also rejoins firmware that wraps at the full width", () => {
    const long = `ipv6 lan3 secure filter in ${ids(3000, 30)}`;
    const physical = long.match(/.{1,80}/g) as string[];
    assert.deepStrictEqual(texts(parseShowConfig(physical.join("\n"), { columns: 80 })), [long]);
  });

  it("doubts a line that ends at the width when the next line could be a setting of its own", () => {
    const edge = `ip route 10.9.0.0/16 gateway tunnel 7 ${"x".repeat(79 - 39)}`.slice(0, 79);
    const lines = unwrapLines(
      [edge, "ip route default gateway 198.51.100.1", "ip lan1 address 1"],
      80,
    );
    assert.match(lines[0].doubt ?? "", /may have been cut/);
    assert.match(lines[1].doubt ?? "", /may have been cut/);
    assert.strictEqual(lines[2].doubt, undefined);
    // A list that reaches the width and is followed by a setting provably ended there.
    const list = `ipv6 lan2 secure filter in ${ids(100000, 20)}`.slice(0, 79).replace(/ \d*$/, "");
    const padded = list.padEnd(78, " ").slice(0, 78);
    const read = unwrapLines([padded, "ipv6 filter 1 pass * *"], 80);
    assert.deepStrictEqual(
      read.map((l) => l.doubt),
      [undefined, undefined],
    );
  });

  it("counts double-width characters as two columns when it rejoins", () => {
    const description = ` description tunnel ${"大阪拠点".repeat(12)}`;
    assert.strictEqual(displayWidth("大阪"), 4);
    const physical: string[] = [];
    let piece = "";
    for (const ch of description) {
      if (displayWidth(piece + ch) > 79) {
        physical.push(piece);
        piece = "";
      }
      piece += ch;
    }
    physical.push(piece);
    const lines = parseShowConfig(["tunnel select 3", ...physical, " tunnel enable 3"].join("\n"), {
      columns: 80,
    });
    assert.deepStrictEqual(texts(lines), [description.trim(), "tunnel enable 3"]);
  });

  it("adapts when lines are wider than the width it was told", () => {
    const long = `ipv6 lan2 secure filter in ${ids(5000, 60)}`;
    const physical = wrapAt(long, 200);
    assert.deepStrictEqual(texts(unwrapLines(physical, 80)), [long]);
  });
});

describe("rtx command lists: both forms, checked before connecting", () => {
  /** The example as typed at a console: no indentation, `tunnel select none` closes a block. */
  function consoleForm(list: readonly string[]): string[] {
    const out: string[] = [];
    let inBlock = false;
    for (const line of list) {
      if (line.startsWith("tunnel select")) {
        if (inBlock) out.push("tunnel select none");
        inBlock = true;
        out.push(line);
      } else if (line.startsWith(" ")) out.push(line.trim());
      else {
        if (inBlock) out.push("tunnel select none");
        inBlock = false;
        out.push(line);
      }
    }
    return out;
  }
  const keysAndNorms = (list: readonly string[]) =>
    parseCommandList([...list]).map((l) => [l.key, l.norm]);

  it("reads a list typed as at the console the same as the show config form", () => {
    const typed = consoleForm(EXAMPLE);
    assert.ok(!typed.some((l) => l.startsWith(" ")));
    assert.deepStrictEqual(keysAndNorms(typed), keysAndNorms(EXAMPLE));
  });

  it("takes the context from tunnel select, not from indentation", () => {
    const lines = parseCommandList([
      "tunnel select 4",
      "tunnel encapsulation ipip",
      "  ip tunnel mtu 1440",
      "ip route 10.4.0.0/16 gateway tunnel 4",
      "tunnel endpoint address 2001:db8::1 2001:db8::2",
      "tunnel enable 4",
      "tunnel select none",
      "ip keepalive 4 icmp-echo 1 3 10.0.1.10",
    ]);
    assert.deepStrictEqual(
      lines.map((l) => l.key),
      [
        "tunnel 4|tunnel encapsulation",
        "tunnel 4|ip tunnel mtu",
        "|ip route 10.4.0.0/16",
        "tunnel 4|tunnel endpoint address",
        "tunnel 4|tunnel enable",
        "|ip keepalive 4",
      ],
    );
  });

  it("refuses a tunnel command with no tunnel selected, naming the line", () => {
    assert.throws(
      () => parseCommandList(["tunnel select 1", "tunnel select none", "ip tunnel mtu 1440"]),
      (e: Error) =>
        e instanceof CommandListError && /line 3 "ip tunnel mtu 1440".*outside/.test(e.message),
    );
    // An interface command of another kind is refused in a tunnel block.
    assert.throws(
      () =>
        parseCommandList([
          "tunnel select 1",
          " tunnel encapsulation ipip",
          "ip route 10.0.0.0/16 gateway tunnel 1",
          "pp bind tunnel1",
        ]),
      /line 4 .*pp command inside "tunnel 1"/,
    );
  });

  for (const [line, why] of [
    ["save", /saves by itself/],
    ["administrator", /administrator mode/],
    ["exit", /leave administrator/],
    ["quit", /leave administrator/],
    ["restart", /restarts the router/],
    ["console columns 80", /console/],
    ["no console lines", /console/],
    ["show config", /prints output/],
    ["copy config 0 1", /backup-config/],
  ] as const) {
    it(`refuses "${line}" in a list before anything is sent`, () => {
      assert.throws(
        () => parseCommandList(["ipv6 filter 101035 pass * * 4", line]),
        (e: Error) =>
          e instanceof CommandListError &&
          e.lineNumber === 2 &&
          why.test(e.message) &&
          e.message.includes(`"${line}"`),
      );
    });
  }
});
