import assert from "assert";
import { EXAMPLE, Harness, rejection, startFake, USER_CONFIG } from "./helpers";

function assertHasExample(h: Harness, which: "running" | "saved"): void {
  for (const line of EXAMPLE.filter((l) => !l.startsWith("tunnel select") && !l.startsWith(" "))) {
    if (line.startsWith("ipv6 lan2 secure")) continue;
    assert.ok(h.rtx[which].has(line), `${which} lacks ${line}`);
  }
  assert.ok(
    h.rtx[which].has("tunnel endpoint address 2001:db8:ff::2 2001:db8:1::5efe:a00:20a", {
      kind: "tunnel",
      id: "2",
    }),
  );
}

function assertUserConfigIntact(h: Harness, which: "running" | "saved"): void {
  for (const line of [
    "ip route default gateway 198.51.100.1",
    "ip route 172.16.0.0/12 gateway tunnel 5",
    "ipv6 filter 101099 reject * *",
  ]) {
    assert.ok(h.rtx[which].has(line), `${which} lost ${line}`);
  }
  assert.ok(h.rtx[which].has("ipsec tunnel 105", { kind: "tunnel", id: "5" }));
  assert.ok(h.rtx[which].has("tunnel enable 5", { kind: "tunnel", id: "5" }));
}

describe("rtx client against the fake router", function () {
  this.timeout(30000);
  let h: Harness;
  afterEach(async () => h && (await h.rtx.stop()));

  for (const [label, promptName, contextStyle] of [
    ["unnamed prompt", "", "plain"],
    ["named prompt [RTX1210]", "[RTX1210] ", "plain"],
    ["named prompt RTX830 with (tunnel1) contexts", "RTX830", "paren"],
  ] as const) {
    it(`fresh apply then re-apply with no change (${label})`, async () => {
      h = await startFake({ promptName, contextStyle, config: USER_CONFIG });
      const first = await h.run("apply");
      assert.strictEqual(first.changed, true);
      assert.strictEqual(first.saved, true);
      assert.strictEqual(h.rtx.saves, 1);
      assertHasExample(h, "saved");
      assertUserConfigIntact(h, "saved");
      assert.strictEqual(
        h.rtx.saved.find("ipv6 lan2 secure filter in"),
        "ipv6 lan2 secure filter in 101000 101001 101035 101099 dynamic 101080",
      );
      // The console settings we needed are not left in the configuration.
      assert.strictEqual(h.rtx.saved.find("console"), undefined);
      assert.strictEqual(h.rtx.running.find("console"), undefined);

      const showConfigsBefore = h.rtx.showConfigs;
      const again = await h.run("apply");
      assert.strictEqual(again.changed, false);
      assert.deepStrictEqual(again.sent, []);
      assert.strictEqual(again.showConfigReads, 1);
      assert.strictEqual(again.roundTripsByPhase.read, 1);
      assert.strictEqual(again.roundTripsByPhase.change, undefined);
      assert.strictEqual(again.roundTripsByPhase.save, undefined);
      assert.strictEqual(h.rtx.saves, 1);
      // One full show config, the console grep, and the saved file: a run cut between
      // cancelling its revert and saving leaves our lines unsaved, and a no-op run saves them.
      assert.strictEqual(h.rtx.showConfigs - showConfigsBefore, 3);
    });
  }

  it("sends only the missing lines when part of the config is there", async () => {
    const partial = [
      ...USER_CONFIG,
      "ipv6 filter 101035 pass 2001:db8:1::5efe:a00:10a,2001:db8:1::5efe:a00:20a * 4",
      "tunnel select 1",
      " description tunnel vpc-ipip6-gateway:osaka:gw-a",
      " tunnel encapsulation ipip",
      " tunnel endpoint address 2001:db8:ff::2 2001:db8:1::5efe:a00:10a",
      " ip tunnel mtu 1280",
    ];
    h = await startFake({ config: partial });
    const summary = await h.run("apply");
    assert.ok(!summary.sent.some((l) => l.startsWith("ipv6 filter")));
    assert.deepStrictEqual(summary.sent.slice(0, 6), [
      "ipv6 lan2 secure filter in 101000 101001 101035 101099 dynamic 101080",
      "tunnel select 1",
      "ip tunnel mtu 1440",
      "ip tunnel tcp mss limit auto",
      "tunnel enable 1",
      "tunnel select 2",
    ]);
    assertHasExample(h, "saved");
  });

  it("refuses a tunnel that belongs to someone else and changes nothing", async () => {
    const foreign = [
      "tunnel select 2",
      " description tunnel tokyo-office",
      " tunnel encapsulation ipip",
      " tunnel endpoint address 2001:db8::99",
    ];
    h = await startFake({ config: [...USER_CONFIG, ...foreign] });
    const before = h.rtx.running.lines().join("\n");
    const error = await rejection(h.run("apply"));
    assert.match(
      error.message,
      /tunnel 2 is used by someone else: its description is "tokyo-office"/,
    );
    // USER_CONFIG routes through tunnel 5: the smallest free id is 3.
    assert.match(
      error.message,
      /rtx\.tunnelIds: tunnel 2 .*use a free tunnel id: 3 \(rtx\.tunnelIds: \[1, 3\]\)/,
    );
    assert.strictEqual(h.rtx.running.lines().join("\n"), before);
    assert.strictEqual(h.rtx.saves, 0);
  });

  it("undoes what it sent when the router rejects a command, and does not save", async () => {
    h = await startFake({ config: USER_CONFIG });
    const before = h.rtx.running.lines().join("\n");
    h.rtx.faults.reject =
      "ip keepalive 2 icmp-echo 1 3 10.0.2.10 upwait=1 downwait=1 local-address=192.168.10.1";
    const error = await rejection(h.run("apply"));
    assert.match(error.message, /rejected "ip keepalive 2 .*": Error: Invalid parameter/);
    assert.match(error.message, /undid 15 change\(s\); nothing was saved/);
    assert.strictEqual(h.rtx.running.lines().join("\n"), before);
    assert.strictEqual(h.rtx.saves, 0);
    const undo = h.rtx.received.slice(h.rtx.received.indexOf(h.rtx.faults.reject) + 1);
    assert.strictEqual(undo[0], "no ip keepalive 1");
    assert.ok(undo.includes("ipv6 lan2 secure filter in 101000 101001 101099 dynamic 101080"));
    assert.ok(h.rtx.received.includes("N"), "answers N to the save question");
  });

  it("reads Shift_JIS Japanese errors when the console stays Japanese", async () => {
    h = await startFake({ config: USER_CONFIG, refuseConsoleCharacter: true });
    h.rtx.faults.reject = "ip route 10.0.2.10 gateway tunnel 2";
    const error = await rejection(h.run("apply"));
    assert.match(
      error.message,
      /rejected "ip route 10.0.2.10 gateway tunnel 2": エラー: パラメータが不適当です/,
    );
    assert.strictEqual(h.rtx.saves, 0);
    h.rtx.faults.reject = undefined;
    const summary = await h.run("apply");
    assert.strictEqual(summary.saved, true);
    assert.strictEqual(h.rtx.saved.find("console"), undefined);
  });

  it("converges on a re-run after the connection drops mid-apply, even across a restart", async () => {
    h = await startFake({ config: USER_CONFIG });
    h.rtx.faults.dropAfter =
      " tunnel endpoint address 2001:db8:ff::2 2001:db8:1::5efe:a00:20a".trim();
    const error = await rejection(h.run("apply"));
    assert.match(error.message, /closed|lost|connection/i);
    assert.strictEqual(h.rtx.saves, 0);
    const resumed = await h.run("apply");
    assert.ok(resumed.sent.includes("ip tunnel mtu 1440"));
    assert.ok(
      !resumed.sent.includes("tunnel encapsulation ipip") ||
        resumed.sent.indexOf("tunnel select 2") < 0,
    );
    assertHasExample(h, "saved");

    // A router restart in between is just another starting point.
    h.rtx.faults.dropAfter = "no tunnel endpoint address";
    await rejection(h.run("remove"));
    h.rtx.restart();
    assertHasExample(h, "running");
    await h.run("remove");
    assert.strictEqual(h.rtx.saved.find("tunnel select 1"), undefined);
    assert.ok(
      !h.rtx.saved.has(
        "ip keepalive 1 icmp-echo 1 3 10.0.1.10 upwait=1 downwait=1 local-address=192.168.10.1",
      ),
    );
  });

  it("remove takes out only what it added", async () => {
    h = await startFake({ config: USER_CONFIG });
    await h.run("apply");
    const summary = await h.run("remove");
    assert.strictEqual(summary.saved, true);
    assert.ok(
      summary.sent.includes("ipv6 lan2 secure filter in 101000 101001 101099 dynamic 101080"),
    );
    assertUserConfigIntact(h, "saved");
    assert.strictEqual(
      h.rtx.saved.find("ipv6 lan2 secure filter in"),
      "ipv6 lan2 secure filter in 101000 101001 101099 dynamic 101080",
    );
    assert.strictEqual(h.rtx.saved.lines().join("\n"), h.rtx.running.lines().join("\n"));
    for (const key of [
      "ip keepalive",
      "ipv6 filter 101035",
      "ip route 10.0.",
      "tunnel select 1",
      "tunnel select 2",
    ]) {
      assert.strictEqual(h.rtx.saved.find(key), undefined, key);
    }
    const again = await h.run("remove");
    assert.strictEqual(again.changed, false);
    assert.strictEqual(h.rtx.saves, 2);
  });

  it("dry run plans without changing anything", async () => {
    h = await startFake({ config: USER_CONFIG });
    const summary = await h.run("apply", { dryRun: true });
    assert.strictEqual(summary.changed, false);
    assert.strictEqual(summary.planned?.length, EXAMPLE.length + 1);
    assert.deepStrictEqual(summary.sent, []);
    assert.strictEqual(h.rtx.running.find("ipv6 filter 101035"), undefined);
  });
});
