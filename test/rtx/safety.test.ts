/**
 * The RTX client on routers people really run: long lists wrapped the way real consoles wrap,
 * interfaces with no secure filter list, someone's unsaved work, a spare saved-config file,
 * command files typed as at the console, firmware printing options in its own order.
 */
import assert from "assert";
import { cliTarget, EXAMPLE, Harness, rejection, runCli, startFake, USER_CONFIG } from "./helpers";

/** A WAN list of forty static ids ending in a reject-all: wraps even at 200 columns. */
const LONG_IDS = Array.from({ length: 40 }, (_, i) => String(200000 + i));
const LONG_LIST = `ipv6 lan2 secure filter in ${LONG_IDS.join(" ")} 200099 dynamic 200080 200081`;
const LONG_ROUTER = [
  "ip lan2 address 198.51.100.2/30",
  ...LONG_IDS.map((id) => `ipv6 filter ${id} pass * * icmp6`),
  "ipv6 filter 200099 reject * * * * *",
  LONG_LIST,
];

/** The example's own lines, top-level and in their tunnel blocks, as the fake holds them. */
function assertHasOurLines(h: Harness): void {
  assert.ok(h.rtx.saved.has("tunnel encapsulation ipip", { kind: "tunnel", id: "1" }));
  assert.ok(h.rtx.saved.has("tunnel enable 2", { kind: "tunnel", id: "2" }));
  assert.ok(h.rtx.saved.has(EXAMPLE.find((l) => l.startsWith("ip keepalive 1")) as string));
}

describe("rtx client: safe on the routers people run", function () {
  this.timeout(60000);
  let h: Harness;
  afterEach(async () => h && (await h.rtx.stop()));

  for (const [label, columns] of [
    ["at 200 columns", false],
    ["at 80 columns (console columns refused)", true],
  ] as const) {
    it(`keeps a forty-id list whole, wrapped one column before the width (${label})`, async () => {
      h = await startFake({ config: LONG_ROUTER, refuseConsoleColumns: columns });
      const before = h.rtx.saved.lines().join("\n");
      const applied = await h.run("apply");
      assert.strictEqual(applied.saved, true);
      const merged = `ipv6 lan2 secure filter in ${LONG_IDS.join(" ")} 101035 200099 dynamic 200080 200081`;
      assert.strictEqual(h.rtx.saved.find("ipv6 lan2 secure filter in"), merged);
      assert.deepStrictEqual(
        applied.secureFilter.map((o) => [o.outcome, o.entries]),
        [["merged", 44]],
      );
      assertHasOurLines(h);
      const removed = await h.run("remove");
      assert.strictEqual(removed.saved, true);
      assert.strictEqual(h.rtx.saved.lines().join("\n"), before);
    });
  }

  it("also reads firmware that wraps at the full width", async () => {
    h = await startFake({ config: LONG_ROUTER, wrapAtFullWidth: true });
    await h.run("apply");
    assert.match(h.rtx.saved.find("ipv6 lan2 secure filter in") ?? "", / 101035 200099 dynamic/);
  });

  it("creates no list on an interface that has none, and says so", async () => {
    const noList = USER_CONFIG.filter((l) => !/secure filter/.test(l));
    h = await startFake({ config: noList });
    const applied = await h.run("apply");
    assert.strictEqual(applied.saved, true);
    assert.strictEqual(h.rtx.saved.find("ipv6 lan2 secure filter"), undefined);
    assert.ok(!applied.sent.some((l) => /secure filter/.test(l)));
    assert.deepStrictEqual(
      applied.secureFilter.map((o) => o.outcome),
      ["no-list"],
    );
    const again = await h.run("apply");
    assert.strictEqual(again.changed, false);
    const removed = await h.run("remove");
    assert.deepStrictEqual(
      removed.secureFilter.map((o) => o.outcome),
      ["absent"],
    );
    assert.strictEqual(h.rtx.saved.lines().join("\n"), h.rtx.running.lines().join("\n"));
    assert.strictEqual(h.rtx.saved.find("ipv6 lan2 secure filter"), undefined);
  });

  it("refuses before any change when someone left unsaved changes, and saves them only when told", async () => {
    h = await startFake({ config: USER_CONFIG });
    h.rtx.running = h.rtx.saved.clone();
    h.rtx.running.apply(["ip", "route", "203.0.113.0/24", "gateway", "198.51.100.1"], null);
    const error = await rejection(h.run("apply"));
    assert.match(error.message, /1 unsaved change\(s\) that are not ours/);
    assert.match(error.message, /\+ "ip route 203\.0\.113\.0\/24 gateway 198\.51\.100\.1"/);
    assert.match(error.message, /nothing had been changed; nothing was saved/);
    assert.strictEqual(h.rtx.saves, 0);
    assert.ok(!h.rtx.received.some((l) => /^tunnel select/.test(l)));
    assert.ok(!h.rtx.saved.has("ip route 203.0.113.0/24 gateway 198.51.100.1"));

    const accepted = await h.run("apply", { acceptUnsaved: true });
    assert.strictEqual(accepted.saved, true);
    assert.deepStrictEqual(accepted.unsavedChanges, [
      '+ "ip route 203.0.113.0/24 gateway 198.51.100.1"',
    ]);
    assert.ok(h.rtx.saved.has("ip route 203.0.113.0/24 gateway 198.51.100.1"));
  });

  it("refuses when it cannot read the saved config to compare, unless told to save anyway", async () => {
    h = await startFake({ config: USER_CONFIG, noShowConfigFile: true });
    const error = await rejection(h.run("apply"));
    assert.match(error.message, /cannot read the saved configuration .*--accept-unsaved/);
    assert.strictEqual(h.rtx.saves, 0);
    const accepted = await h.run("apply", { acceptUnsaved: true });
    assert.strictEqual(accepted.saved, true);
    assert.match(accepted.unsavedChanges?.[0] ?? "", /could not be read/);
  });

  it("answers the password questions of show config N without logging a password", async () => {
    h = await startFake({ config: USER_CONFIG, echoPasswords: true });
    await h.run("apply");
    const logged = h.logs.join("\n");
    assert.ok(!logged.includes(h.rtx.password) && !logged.includes(h.rtx.adminPassword));
    assert.ok(h.logs.includes("> show config 0"));
    assert.ok(h.logs.includes("> (login password)"));
  });

  it("keeps the previous saved config in the spare file named, and no other", async () => {
    h = await startFake({ config: USER_CONFIG });
    const previousSave = h.rtx.saved.lines().join("\n");
    // Spare file 2 does not exist: the router does not show it, so what it holds is unknown.
    const refused = await rejection(h.run("apply", { backupConfig: "2" }));
    assert.match(
      refused.message,
      /rtx\.overwriteBackup: spare file 2 could not be read \("Error: Invalid parameter".*--overwrite-backup/,
    );
    assert.deepStrictEqual(h.rtx.copies, []);
    const applied = await h.run("apply", { backupConfig: "2", overwriteBackup: true });
    assert.deepStrictEqual(applied.backup, { from: "0", to: "2" });
    assert.strictEqual(applied.spareOwned, "2");
    assert.deepStrictEqual(h.rtx.copies, ["0->2"]);
    assert.strictEqual(h.rtx.savedFiles.get("2")?.lines().join("\n"), previousSave);
    assert.deepStrictEqual([...h.rtx.savedFiles.keys()].sort(), ["0", "2"]);
    const again = await h.run("apply", { backupConfig: "2" });
    assert.strictEqual(again.backup, undefined, "a run that changes nothing copies nothing");
    assert.deepStrictEqual(h.rtx.copies, ["0->2"]);
  });

  it("refuses to overwrite a spare file holding someone's configuration, but not the backup it wrote", async () => {
    h = await startFake({ config: USER_CONFIG });
    h.rtx.savedFiles.set("1", h.rtx.saved.clone());
    const before = h.rtx.running.lines().join("\n");
    const dry = await rejection(h.run("apply", { backupConfig: "1", dryRun: true }));
    assert.match(
      dry.message,
      /rtx\.overwriteBackup: spare file 1 holds \d+ setting\(s\): "ip lan1 address/,
    );
    const refused = await rejection(h.run("apply", { backupConfig: "1" }));
    assert.match(refused.message, /nothing was changed/);
    assert.strictEqual(h.rtx.running.lines().join("\n"), before);
    assert.deepStrictEqual(h.rtx.copies, []);
    const first = await h.run("apply", { backupConfig: "1", overwriteBackup: true });
    assert.match(first.spare ?? "", /spare file 1 \(--backup-config 1\), which holds \d+ setting/);
    // The next change, with the last summary as the previous list, overwrites our own backup.
    const previous = {
      source: "$PULUMI_COMMAND_STDOUT",
      commands: EXAMPLE,
      spareOwned: first.spareOwned,
    };
    const changed = EXAMPLE.map((l) => l.replace("icmp-echo 1 3", "icmp-echo 1 4"));
    const next = await h.run("apply", { commands: changed, backupConfig: "1", previous });
    assert.match(next.spare ?? "", /holds the backup this stack's last apply wrote/);
    assert.deepStrictEqual(h.rtx.copies, ["0->1", "0->1"]);
  });

  it("saves to the file the router boots from", async () => {
    h = await startFake({ config: USER_CONFIG });
    h.rtx.bootFile = "1";
    h.rtx.savedFiles.set("1", h.rtx.running.clone());
    const applied = await h.run("apply", { backupConfig: "3", overwriteBackup: true });
    assert.strictEqual(applied.bootConfig, "1");
    assert.deepStrictEqual(h.rtx.copies, ["1->3"]);
    assert.ok(
      h.rtx.savedFiles.get("1")?.has("tunnel encapsulation ipip", { kind: "tunnel", id: "1" }),
    );
    assert.ok(
      !h.rtx.savedFiles.get("0")?.has("tunnel encapsulation ipip", { kind: "tunnel", id: "1" }),
    );
  });

  it("verifies against firmware that prints options in its own order and omits defaults", async () => {
    h = await startFake({ config: USER_CONFIG, ownOptionOrder: true });
    const applied = await h.run("apply");
    assert.strictEqual(applied.saved, true);
    const again = await h.run("apply");
    assert.deepStrictEqual(again.sent, []);
  });

  it("applies a command file typed as at the console, and refuses a save in it before connecting", async () => {
    h = await startFake({ config: USER_CONFIG });
    const typed: string[] = [];
    let inBlock = false;
    for (const line of EXAMPLE) {
      if (line.startsWith("tunnel select") || !line.startsWith(" ")) {
        if (inBlock) typed.push("tunnel select none");
        inBlock = line.startsWith("tunnel select");
      }
      typed.push(line.trim());
    }
    const target = cliTarget(h);
    const ok = await runCli(["apply", ...target.args], target.env, typed.join("\n"));
    assert.strictEqual(ok.code, 0, ok.stderr);
    assertHasOurLines(h);

    const connections = h.rtx.connections;
    const withSave = await runCli(
      ["apply", ...target.args],
      target.env,
      [...typed, "save"].join("\n"),
    );
    assert.strictEqual(withSave.code, 2);
    assert.match(withSave.stderr, /line \d+ "save": cannot be part of a configuration list/);
    assert.strictEqual(h.rtx.connections, connections, "it connected before refusing");
    const orphan = await runCli(["apply", ...target.args], target.env, "ip tunnel mtu 1440\n");
    assert.strictEqual(orphan.code, 2);
    assert.match(orphan.stderr, /line 1 "ip tunnel mtu 1440": a tunnel command outside/);
  });

  it("prints a readable plan on --dry-run and help like render's", async () => {
    h = await startFake({ config: USER_CONFIG });
    const target = cliTarget(h);
    const dry = await runCli(
      ["apply", ...target.args, "--dry-run"],
      target.env,
      EXAMPLE.join("\n"),
    );
    assert.strictEqual(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /dry run: nothing was changed/);
    assert.match(
      dry.stderr,
      /\n {4}tunnel select 1\n {6}description tunnel vpc-ipip6-gateway:osaka:gw-a/,
    );
    assert.match(
      dry.stderr,
      /ipv6 lan2 secure filter in: merged \(our id 101035 put before 101099/,
    );
    assert.strictEqual(JSON.parse(dry.stdout).dryRun, true);
    assert.strictEqual(h.rtx.saves, 0);
    const help = await runCli(["--help"], {}, "");
    assert.strictEqual(help.code, 0);
    assert.match(help.stdout, /^usage: rtx apply\|remove/);
    assert.match(help.stdout, /--backup-config N/);
  });
});
