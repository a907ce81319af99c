import assert from "assert";
import { parseCliArgs, UsageError } from "../../src/rtx/cli-args";
import { commandLines } from "../../src/rtx/model";
import { consoleChanges, parseConsoleSettings } from "../../src/rtx/console-settings";
import { redact } from "../../src/rtx/errors";
import { parseHostKey } from "../../src/rtx/host-key";
import {
  cleanTerminalText,
  decodeConsole,
  endsWithMorePrompt,
  endsWithSaveQuestion,
  findErrorLine,
  matchPrompt,
  stripEcho,
} from "../../src/rtx/terminal";

describe("rtx console stream helpers", () => {
  it("recognises unnamed, named and context prompts", () => {
    assert.deepStrictEqual(matchPrompt("banner\n> ", null), {
      base: "",
      context: "",
      mode: "user",
    });
    assert.deepStrictEqual(matchPrompt("x\n[RTX1210] # ", null), {
      base: "[RTX1210] ",
      context: "",
      mode: "admin",
    });
    assert.deepStrictEqual(matchPrompt("RTX830> ", null), {
      base: "RTX830",
      context: "",
      mode: "user",
    });
    assert.deepStrictEqual(matchPrompt("ok\n[RTX1210] tunnel1# ", "[RTX1210] "), {
      base: "[RTX1210] ",
      context: "tunnel1",
      mode: "admin",
    });
    assert.deepStrictEqual(matchPrompt("ok\nRTX1210(tunnel12)# ", "RTX1210"), {
      base: "RTX1210",
      context: "(tunnel12)",
      mode: "admin",
    });
    assert.deepStrictEqual(matchPrompt("ok\ntunnel1# ", ""), {
      base: "",
      context: "tunnel1",
      mode: "admin",
    });
  });

  it("does not take output lines for the prompt", () => {
    assert.strictEqual(matchPrompt("# RTX1210 Rev.14.01.42\n ip tunnel mtu 1440", ""), null);
    assert.strictEqual(matchPrompt("description 1 a>b\n", "RTX830"), null);
    assert.strictEqual(matchPrompt("ok\nRTX999# ", "RTX830"), null);
  });

  it("spots paging markers in English and Shift_JIS Japanese, and the save question", () => {
    assert.ok(endsWithMorePrompt("line\n---more---"));
    const sjis = Buffer.from([
      0x2d, 0x2d, 0x2d, 0x20, 0x82, 0xc2, 0x82, 0xc3, 0x82, 0xad, 0x20, 0x2d, 0x2d, 0x2d,
    ]);
    assert.ok(endsWithMorePrompt(`line\n${sjis.toString("latin1")}`));
    assert.ok(!endsWithMorePrompt("ip filter 1 pass * *\n"));
    assert.ok(endsWithSaveQuestion("Save new configuration ? (Y/N) "));
  });

  it("decodes UTF-8 and Shift_JIS and finds errors in both languages", () => {
    const sjis = Buffer.from([0x83, 0x47, 0x83, 0x89, 0x81, 0x5b, 0x3a, 0x20, 0x83, 0x70]);
    assert.strictEqual(decodeConsole(sjis), "エラー: パ");
    assert.strictEqual(decodeConsole(Buffer.from("エラー: x", "utf8")), "エラー: x");
    assert.strictEqual(
      findErrorLine("foo\nエラー: パラメータの数が不適当です\n"),
      "エラー: パラメータの数が不適当です",
    );
    assert.strictEqual(findErrorLine("Error: Invalid command name"), "Error: Invalid command name");
    assert.strictEqual(findErrorLine("Saving ... CONFIG0 Done ."), null);
  });

  it("strips the echo, even wrapped, and terminal noise", () => {
    assert.strictEqual(stripEcho("# \nshow config\nline1\n# ", "show config"), "line1\n# ");
    assert.strictEqual(
      stripEcho("ipv6 lan2 secure fil\nter in 1 2\nout\n", "ipv6 lan2 secure filter in 1 2"),
      "out\n",
    );
    assert.strictEqual(cleanTerminalText("a\x1b[2Kb\r\nxx\r  \r y\bz\r\n"), "ab\n z\n");
  });

  it("redacts secrets", () => {
    assert.strictEqual(redact("pw s3cret and s3cret", ["s3cret", undefined, ""]), "pw *** and ***");
  });
});

describe("rtx console settings", () => {
  it("changes only what is needed and restores the exact previous value", () => {
    const settings = parseConsoleSettings(
      "Searching ...\nconsole character ja.sjis\nconsole lines 30\ndescription 1 console box\n",
    );
    assert.deepStrictEqual(settings, { character: "ja.sjis", lines: "30" });
    assert.deepStrictEqual(
      consoleChanges(settings).map((c) => [c.set[0], c.restore]),
      [
        ["console lines infinity", "console lines 30"],
        ["console columns 200", "no console columns"],
        ["console character en.ascii", "console character ja.sjis"],
      ],
    );
    assert.deepStrictEqual(
      consoleChanges({ lines: "infinity", columns: "4096", character: "ascii" }),
      [],
    );
    assert.deepStrictEqual(
      consoleChanges({ character: "sjis", lines: "infinity", columns: "200" })[0].set,
      ["console character ascii"],
    );
  });
});

describe("rtx CLI arguments", () => {
  const base = [
    "apply",
    "--host",
    "h",
    "--user",
    "u",
    "--host-key",
    "ssh-ed25519 AAAA",
    "--commands",
    "-",
  ];
  it("parses the §10 contract and options", () => {
    const args = parseCliArgs([...base, "--port=2222", "--timeout", "5", "--dry-run"]);
    assert.strictEqual(args.port, 2222);
    assert.strictEqual(args.timeoutMs, 5000);
    assert.ok(args.dryRun);
    assert.strictEqual(parseCliArgs(base).port, 22);
  });
  it("rejects bad usage", () => {
    assert.throws(() => parseCliArgs(["destroy"]), UsageError);
    assert.throws(() => parseCliArgs(base.slice(0, 3)), /--user is required/);
    assert.throws(() => parseCliArgs([...base, "--port", "0"]), /--port/);
    assert.throws(() => parseCliArgs([...base, "--bogus"]), /unknown option/);
  });
  it("reads command files keeping indentation", () => {
    assert.deepStrictEqual(commandLines("tunnel select 1\r\n ip tunnel mtu 1440  \n\n"), [
      "tunnel select 1",
      " ip tunnel mtu 1440",
    ]);
  });
  it("checks the pinned host key format", () => {
    assert.throws(() => parseHostKey("ssh-ed25519 not-base64!"), /authorized_keys/);
    assert.throws(
      () =>
        parseHostKey(
          "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIHBsYWNlaG9sZGVyLWhvc3Qta2V5LXJlcGxhY2UtbWUh",
        ),
      /not a valid ssh-rsa/,
    );
    assert.strictEqual(
      parseHostKey(
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHBsYWNlaG9sZGVyLWhvc3Qta2V5LXJlcGxhY2UtbWUh x",
      ).type,
      "ssh-ed25519",
    );
  });
});
