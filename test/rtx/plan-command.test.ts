/**
 * `rtx plan`: against saved copies of the corpus configurations with the stack's default ids
 * (tunnels 1 and 2, keepalives 1 and 2), and read-only against the fake router.
 */
import assert from "assert";
import fs from "fs";
import os from "os";
import path from "path";
import { parsePlanArgs, runPlan } from "../../src/rtx/plan-command";
import { usedIds } from "../../src/rtx/conflicts";
import { parseSavedConfig } from "../../src/rtx/saved-config";
import { EXAMPLE, Harness, startFake, USER_CONFIG } from "./helpers";
import { encodeShiftJis } from "./sjis";

const CORPUS = path.join(__dirname, "corpus");
const FILES = fs
  .readdirSync(CORPUS)
  .filter((f) => /^\d\d-.*\.txt$/.test(f))
  .sort();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rtx-plan-"));
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};
const COMMANDS = write("commands.txt", `${EXAMPLE.join("\n")}\n`);

async function planOffline(config: string, ...extra: string[]) {
  const args = parsePlanArgs(["--commands", COMMANDS, "--config-file", config, ...extra]);
  return runPlan(args, {});
}

describe("rtx plan against saved corpus configurations (default ids)", () => {
  for (const file of FILES) {
    it(`${file}: names each clashing id's key and a free id, or plans cleanly`, async () => {
      const saved = path.join(CORPUS, file);
      const current = parseSavedConfig(fs.readFileSync(saved, "utf8"));
      const tunnels = usedIds("tunnel", current);
      const clashing = [1, 2].filter((id) =>
        current.some((l) => l.context?.kind === "tunnel" && l.context.id === String(id)),
      );
      const outcome = await planOffline(saved);
      const lines = outcome.stderr.split("\n").filter(Boolean);
      if (clashing.length === 0) {
        assert.strictEqual(outcome.code, 0, outcome.stderr);
        assert.match(outcome.stdout, /would add:\n {4}ipv6 filter 101035/);
        return;
      }
      assert.strictEqual(outcome.code, 1);
      assert.strictEqual(lines.length, clashing.length, outcome.stderr);
      for (const [i, id] of clashing.entries()) {
        assert.match(lines[i], new RegExp(`^rtx plan: rtx\\.tunnelIds: tunnel ${id} `));
        const free = /use a free tunnel id: ([\d, ]+) \(rtx\.tunnelIds: \[(\d+), (\d+)\]\)/.exec(
          lines[i],
        );
        assert.ok(free, lines[i]);
        const suggested = free[1].split(", ").map(Number);
        for (const n of suggested) assert.ok(!tunnels.has(n), `${n} is used in ${file}`);
        assert.strictEqual(suggested.length, clashing.length);
      }
      assert.match(outcome.stdout, /apply would refuse and change nothing/);
    });
  }

  it("masks a pre-shared key of a foreign tunnel in the conflict it names", async () => {
    const router = write(
      "psk.txt",
      "tunnel select 1\n ipsec tunnel 101\n  ipsec ike pre-shared-key 1 text s3cr3t-psk\n tunnel enable 1\n",
    );
    const outcome = await planOffline(router);
    assert.strictEqual(outcome.code, 1);
    assert.match(outcome.stderr, /"ipsec ike pre-shared-key \*\*\*"/);
    assert.ok(!outcome.stderr.includes("s3cr3t-psk") && !outcome.stdout.includes("s3cr3t-psk"));
  });

  it("reads a Shift_JIS copy exactly as the UTF-8 one", async () => {
    const file = "02-RTX1300-ipip-fixed-ip-ja-comments.txt";
    const text = fs.readFileSync(path.join(CORPUS, file), "utf8");
    const sjis = write("sjis.txt", encodeShiftJis(text));
    const [a, b] = [await planOffline(path.join(CORPUS, file)), await planOffline(sjis)];
    assert.strictEqual(b.stderr, a.stderr);
    assert.match(b.stderr, /rtx\.tunnelIds: tunnel 1 .*\(BRアドレス\)/);
  });

  it("reads a capture wrapped by an 80-column console, the WAN list joined whole", async () => {
    const ids = Array.from({ length: 16 }, (_, i) => String(101000 + i)).join(" ");
    const list = `ipv6 lan2 secure filter in ${ids} 101099`;
    const wrapped = [list.slice(0, 79), list.slice(79)];
    const lines = [
      "ipv6 filter 101099 reject * * * * *",
      ...wrapped,
      "ip lan1 address 192.168.1.1/24",
    ];
    const file = write("wrapped.txt", `${lines.join("\n")}\n`);
    const outcome = await planOffline(file);
    assert.strictEqual(outcome.code, 0, outcome.stderr);
    assert.ok(outcome.stdout.includes(`before: ${list}\n`), outcome.stdout);
    assert.ok(outcome.stdout.includes(`after:  ${list.replace(" 101099", " 101035 101099")}\n`));
  });

  it("reads a console-typed copy (no indentation, `tunnel select none`) with its blocks", () => {
    const lines = parseSavedConfig(
      "tunnel select 1\ntunnel encapsulation ipip\ntunnel select none\nip route default gateway tunnel 1\n",
    );
    assert.deepStrictEqual(
      lines.map((l) => l.context?.id ?? "-"),
      ["1", "-"],
    );
  });
});

describe("rtx plan: replaced lines, dependents, filters and the spare file", () => {
  const user = [
    "ip route 192.168.50.0/24 gateway tunnel 5 keepalive 1",
    "ip keepalive 1 icmp-echo 10 3 192.0.2.1",
    "ipv6 lan2 secure filter in 101000 101099",
    "ipv6 filter 101000 pass * * icmp6",
    "ipv6 filter 101099 reject * * * * *",
  ];
  const config = write("user.txt", `${user.join("\n")}\n`);

  it("refuses a keepalive the user's route depends on, even with --adopt, naming how to adopt it", async () => {
    const outcome = await planOffline(config, "--adopt");
    assert.strictEqual(outcome.code, 1);
    assert.match(
      outcome.stderr,
      /^rtx plan: rtx\.keepaliveIds: "ip keepalive 1 icmp-echo 10 3 192\.0\.2\.1" is on the router and is not ours .*"ip route 192\.168\.50\.0\/24 gateway tunnel 5 keepalive 1" refer\(s\) to keepalive:1; to take it over anyway name it: --adopt keepalive:1 .*use a free keepalive id: 3 \(rtx\.keepaliveIds: \[3, 2\]\)$/m,
    );
  });

  it("with the keepalive named, shows the line replaced, what replaces it and who refers to it", async () => {
    const outcome = await planOffline(config, "--adopt", "keepalive:1");
    assert.strictEqual(outcome.code, 0, outcome.stderr);
    assert.match(
      outcome.stdout,
      /would replace: "ip keepalive 1 icmp-echo 10 3 192\.0\.2\.1"\n {4}with "ip keepalive 1 icmp-echo 1 3 10\.0\.1\.10 [^"]+"\n {4}referred to by the user's "ip route 192\.168\.50\.0\/24 gateway tunnel 5 keepalive 1"/,
    );
    assert.match(
      outcome.stdout,
      /before: ipv6 lan2 secure filter in 101000 101099\n {4}after: {2}ipv6 lan2 secure filter in 101000 101035 101099/,
    );
  });

  it("refuses a filter id that is the reject-all of the user's list, even when named", async () => {
    const commands = write("reject.txt", EXAMPLE.join("\n").replace(/101035/g, "101099"));
    const args = [
      "--commands",
      commands,
      "--config-file",
      config,
      "--adopt",
      "filter:101099,keepalive:1",
    ];
    const outcome = await runPlan(parsePlanArgs(args), {});
    assert.strictEqual(outcome.code, 1);
    assert.match(
      outcome.stderr,
      /^rtx plan: rtx\.ipv6FilterId: "ipv6 filter 101099 reject \* \* \* \* \*" is the reject-all entry of the user's list "ipv6 lan2 secure filter in 101000 101099" \(cannot be adopted\); use a free filter id: 1 \(rtx\.ipv6FilterId: 1\)$/m,
    );
  });

  it("names the spare file: unknown offline, its settings from --backup-file, refused unless overwriting", async () => {
    const unknown = await planOffline(config, "--adopt", "keepalive:1", "--backup-config", "1");
    assert.strictEqual(unknown.code, 0);
    assert.match(unknown.stdout, /spare file 1 .*cannot be known from a saved "show config"/);
    const spare = write("spare.txt", "# saved by hand\nip lan1 address 192.168.1.1/24\n");
    const extra = ["--adopt", "keepalive:1", "--backup-config", "1", "--backup-file", spare];
    const holds = await planOffline(config, ...extra);
    assert.strictEqual(holds.code, 1);
    assert.match(
      holds.stderr,
      /^rtx plan: rtx\.overwriteBackup: spare file 1 holds 1 setting\(s\): "ip lan1 address 192\.168\.1\.1\/24"/m,
    );
    const allowed = await planOffline(config, ...extra, "--overwrite-backup");
    assert.strictEqual(allowed.code, 0, allowed.stderr);
  });
});

describe("rtx plan against the live router (fake)", function () {
  this.timeout(30000);
  let h: Harness;
  afterEach(async () => h && (await h.rtx.stop()));

  it("reads only: no administrator mode without --backup-config, nothing typed but reads", async () => {
    h = await startFake({ config: USER_CONFIG });
    const before = h.rtx.running.lines().join("\n");
    const args = parsePlanArgs([
      "--commands",
      COMMANDS,
      "--host",
      "127.0.0.1",
      "--port",
      String(h.port),
      "--user",
      h.rtx.user,
      "--host-key",
      h.rtx.publicKey,
    ]);
    const outcome = await runPlan(args, { password: h.rtx.password });
    assert.strictEqual(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, /would add:/);
    assert.deepStrictEqual(
      h.rtx.received.filter((l) => l !== h.rtx.password),
      ["show config", "exit"],
    );
    assert.strictEqual(h.rtx.running.lines().join("\n"), before);
    assert.strictEqual(h.rtx.saves, 0);
  });

  it("with --backup-config, reads the spare file in administrator mode and refuses it when it holds a config", async () => {
    h = await startFake({ config: USER_CONFIG });
    h.rtx.savedFiles.set("1", h.rtx.saved.clone());
    const args = parsePlanArgs([
      "--commands",
      COMMANDS,
      "--host",
      "127.0.0.1",
      "--port",
      String(h.port),
      "--user",
      h.rtx.user,
      "--host-key",
      h.rtx.publicKey,
      "--backup-config",
      "1",
    ]);
    const secrets = { password: h.rtx.password, adminPassword: h.rtx.adminPassword };
    const outcome = await runPlan(args, secrets);
    assert.strictEqual(outcome.code, 1);
    assert.match(outcome.stderr, /rtx\.overwriteBackup: spare file 1 holds \d+ setting\(s\)/);
    const typed = h.rtx.received.filter((l) => l !== h.rtx.password && l !== h.rtx.adminPassword);
    assert.deepStrictEqual(typed, [
      "show config",
      "administrator",
      "show config 1",
      "exit",
      "exit",
    ]);
    assert.ok(
      !outcome.stdout.includes(h.rtx.adminPassword) && !outcome.stderr.includes(h.rtx.password),
    );
  });
});
