import assert from "assert";
import { Client } from "ssh2";
import { EXAMPLE, Harness, rejection, runCli, cliTarget, startFake, USER_CONFIG } from "./helpers";

describe("rtx session against the fake router", function () {
  this.timeout(30000);
  let h: Harness;
  afterEach(async () => h && (await h.rtx.stop()));

  it("the fake refuses exec and a second session channel, as the RTX does", async () => {
    h = await startFake();
    const conn = new Client();
    await new Promise<void>((resolve, reject) => {
      conn.on("ready", resolve).on("error", reject);
      conn.connect({
        host: "127.0.0.1",
        port: h.port,
        username: h.rtx.user,
        password: h.rtx.password,
        hostVerifier: () => true,
      });
    });
    const execError = await new Promise<Error | undefined>((resolve) =>
      conn.exec("show config", (err) => resolve(err)),
    );
    assert.ok(execError, "exec must fail");
    const shellError = await new Promise<Error | undefined>((resolve) =>
      conn.shell((err) => resolve(err)),
    );
    assert.ok(shellError, "a second session channel must be refused");
    conn.end();
    assert.strictEqual(h.rtx.execRefused, 1);
    assert.strictEqual(h.rtx.extraChannelsRefused, 1);
  });

  it("refuses a host whose key does not match, before sending anything", async () => {
    h = await startFake();
    const other = await startFake();
    try {
      const error = await rejection(h.run("apply", { hostKey: other.rtx.publicKey }));
      assert.match(
        error.message,
        /host key mismatch for 127\.0\.0\.1:\d+: expected SHA256:\S+, the server presented SHA256:\S+; nothing was sent/,
      );
      assert.deepStrictEqual(h.rtx.received, []);
    } finally {
      await other.rtx.stop();
    }
  });

  it("fails clearly on a wrong administrator password and on a wrong login password", async () => {
    h = await startFake({ config: USER_CONFIG });
    const admin = await rejection(h.run("apply", { adminPassword: "wrong-admin" }));
    assert.match(admin.message, /administrator password was refused \(check RTX_ADMIN_PASSWORD\)/);
    assert.strictEqual(h.rtx.running.find("ipv6 filter 101035"), undefined);
    const login = await rejection(h.run("apply", { password: "wrong-login" }));
    assert.match(login.message, /login as "admin" was refused \(check RTX_PASSWORD\)/);
  });

  it("falls back to paging without grep, and reads lines wrapped at the console width", async () => {
    const longList = `ipv6 lan2 secure filter in ${Array.from({ length: 40 }, (_, i) => 200000 + i).join(" ")}`;
    h = await startFake({
      config: [
        ...USER_CONFIG.filter((l) => !l.includes("secure filter")),
        longList,
        ...Array.from({ length: 30 }, (_, i) => `ip filter ${500 + i} pass * * tcp * ${8000 + i}`),
      ],
      noGrep: true,
    });
    const first = await h.run("apply");
    assert.ok(h.rtx.pagesShown > 1, "the console-settings read went through pages");
    assert.ok(first.saved);
    assert.ok(
      (h.rtx.saved.find("ipv6 lan2 secure filter in") ?? "").length > 200,
      "longer than the 200-column console",
    );
    const again = await h.run("apply");
    assert.deepStrictEqual(again.sent, []);
  });

  it("waits for a slow save, and times out with a clear message when it is too slow", async () => {
    h = await startFake({ config: USER_CONFIG });
    h.rtx.faults.saveDelayMs = 1500;
    const slow = await h.run("apply", { timeoutMs: 1000, longTimeoutMs: 5000 });
    assert.strictEqual(slow.saved, true);
    await h.run("remove", { timeoutMs: 1000, longTimeoutMs: 5000 });
    h.rtx.faults.saveDelayMs = 2500;
    const error = await rejection(h.run("apply", { timeoutMs: 1000, longTimeoutMs: 1000 }));
    assert.match(error.message, /timed out after 1s waiting for "save" from 127\.0\.0\.1/);
  });

  it("never lets a password reach a log, an error or the summary, even when the console echoes it", async () => {
    h = await startFake({ config: USER_CONFIG, echoPasswords: true });
    const outputs: string[] = [];
    outputs.push(JSON.stringify(await h.run("apply")));
    h.rtx.faults.reject = "no ip keepalive 1";
    outputs.push((await rejection(h.run("remove"))).message);
    outputs.push(
      (await rejection(h.run("apply", { adminPassword: `${h.rtx.adminPassword}x` }))).message,
    );
    outputs.push(...h.logs);
    const all = outputs.join("\n");
    assert.ok(h.rtx.received.includes(h.rtx.adminPassword), "the fake did receive the password");
    assert.ok(!all.includes(h.rtx.adminPassword), "admin password leaked");
    assert.ok(!all.includes(h.rtx.password), "login password leaked");
    assert.ok(h.logs.some((l) => l.includes("(administrator password)")));
  });

  it("runs as the CLI: JSON on success, one line on stderr on failure", async () => {
    h = await startFake({ promptName: "[RTX1210] ", config: USER_CONFIG });
    const { args, env } = cliTarget(h);
    const applied = await runCli(["apply", ...args], env, `${EXAMPLE.join("\n")}\n`);
    assert.strictEqual(applied.code, 0, applied.stderr);
    const summary = JSON.parse(applied.stdout);
    assert.strictEqual(summary.action, "apply");
    assert.strictEqual(summary.saved, true);
    assert.strictEqual(summary.sent.length, EXAMPLE.length + 1);

    const wrongKey = args.map((a) =>
      a === h.rtx.publicKey
        ? "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHBsYWNlaG9sZGVyLWhvc3Qta2V5LXJlcGxhY2UtbWUh"
        : a,
    );
    const refused = await runCli(["remove", ...wrongKey], env, EXAMPLE.join("\n"));
    assert.strictEqual(refused.code, 1);
    assert.strictEqual(refused.stdout, "");
    assert.strictEqual(refused.stderr.trim().split("\n").length, 1);
    assert.match(refused.stderr, /host key mismatch/);

    const usage = await runCli(
      ["apply", ...args],
      { RTX_PASSWORD: "x", RTX_ADMIN_PASSWORD: "" },
      "",
    );
    assert.strictEqual(
      usage.code,
      1,
      "an empty command list is fine, but the wrong admin password is not",
    );
    assert.doesNotMatch(usage.stderr, /admin-secret-2|login-secret-1/);
  });
});
