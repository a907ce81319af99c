/** The pure parts of the RTX client's way back: firmware table, users, foreign changes, options. */
import assert from "assert";
import { parseCliArgs } from "../../src/rtx/cli-args";
import { foreignChanges, otherAdministrators, parseStatusUser } from "../../src/rtx/concurrent";
import { capabilities, parseFirmware } from "../../src/rtx/firmware";
import { makeLine, parseCommandList } from "../../src/rtx/model";
import { checkSavedText, isOurSchedule, scheduleLine } from "../../src/rtx/revert";

describe("rtx revert: firmware, users, foreign changes", () => {
  // Command reference 56.7.31/32 and 37.1 notes: the revisions on either side of each limit.
  for (const [text, rollbackTimer, relativeSchedule] of [
    ["RTX1210 Rev.14.01.25", false, false],
    ["RTX1210 Rev.14.01.26", true, false],
    ["RTX1210 Rev.14.01.40", true, false],
    ["RTX1210 Rev.14.01.41", true, true],
    ["RTX830 Rev.15.02.02", false, false],
    ["RTX830 Rev.15.02.03", true, true],
    ["RTX5000 Rev.14.00.25", false, false],
    ["RTX5000 Rev.14.00.31", true, false],
    ["RTX3500 Rev.14.00.32", true, true],
    ["RTX1220 Rev.15.04.03", true, false],
    ["RTX1220 Rev.15.04.04", true, true],
    ["RTX1300 Rev.23.00.02", true, true],
    ["vRX Rev.19.00.10", true, true],
    ["RTX1200 Rev.10.01.78", false, false],
  ] as const) {
    it(`${text}: rollback timer ${rollbackTimer}, relative schedule ${relativeSchedule}`, () => {
      const env = `${text} (Tue Jan 10 10:00:00 2023)\nDefault Config. File: config0`;
      assert.deepStrictEqual(capabilities(parseFirmware(env)), { rollbackTimer, relativeSchedule });
    });
  }

  it("unrecognised firmware has neither", () => {
    assert.deepStrictEqual(capabilities(parseFirmware("no version here")), {
      rollbackTimer: false,
      relativeSchedule: false,
    });
  });

  it("reads show status user as the reference prints it (58.47), in both languages", () => {
    const output = [
      "   (*: current user, +: administrator mode, @: authenticated via RADIUS)",
      "   username        connection login time   idle       IP address",
      "-------------------------------------------------------------------------------",
      "   user-local      serial     09/16 10:21  0:02:08",
      "  @user-radius2    remote     09/16 10:22  0:02:27",
      "*+@user-radius1    telnet1    09/16 10:22  0:00:00    192.168.0.100",
      " + noc             ssh2       09/16 10:25  0:00:10    2001:db8::1",
    ].join("\n");
    const users = parseStatusUser(output);
    assert.strictEqual(users.length, 4);
    assert.deepStrictEqual(users[0], {
      user: "user-local",
      connection: "serial",
      login: "09/16 10:21",
      admin: false,
      self: false,
    });
    assert.deepStrictEqual(
      otherAdministrators(users).map((u) => [u.user, u.address]),
      [["noc", "2001:db8::1"]],
    );
    const ja = output.replace(
      /^.*\n.*\n/,
      "   (*: 自分自身のユーザー情報 , +: 管理者モード , @: RADIUS での認証 )\n   ユーザー名 ...\n",
    );
    assert.strictEqual(parseStatusUser(ja).length, 4);
  });

  it("a foreign change is a line not ours that differs between two reads", () => {
    const before = parseCommandList(
      ["ip route default gateway 198.51.100.1", "ipv6 filter 1 pass * *", "console lines 24"],
      { lenient: true },
    );
    const after = parseCommandList(
      [
        "ip route default gateway 198.51.100.9",
        "ipv6 filter 101035 pass * * 4",
        "console lines infinity",
        "schedule at 99 +300 * load config 0 difference silent no-key-generate",
      ],
      { lenient: true },
    );
    const ours = new Set([makeLine("ipv6 filter 101035 pass * * 4", null).key]);
    const own = (l: { tokens: string[] }) =>
      l.tokens[0] === "console" || l.tokens[0] === "schedule";
    assert.deepStrictEqual(foreignChanges(before, after, ours, own), [
      '"ip route default gateway 198.51.100.1" -> "ip route default gateway 198.51.100.9"',
      '- "ipv6 filter 1 pass * *"',
    ]);
  });

  it("knows its own schedule by id and command, and finds it in a saved text", () => {
    const line = scheduleLine("99", 300, "0");
    assert.strictEqual(
      line,
      "schedule at 99 +300 * load config 0 difference silent no-key-generate",
    );
    assert.ok(isOurSchedule(makeLine(line, null)));
    assert.ok(!isOurSchedule(makeLine("schedule at 99 */* 03:00 * restart", null)));
    assert.ok(!isOurSchedule(makeLine(scheduleLine("98", 300, "0"), null)));
    assert.throws(
      () => checkSavedText(parseCommandList([line], { lenient: true }), "99", "0"),
      /saved configuration 0 holds "schedule at 99 .*no schedule at 99/,
    );
    assert.doesNotThrow(() => checkSavedText([], "99", "0"));
  });

  it("--revert-after and --no-revert", () => {
    const base = ["apply", "--host", "h", "--user", "u", "--host-key", "k", "--commands", "-"];
    assert.strictEqual(parseCliArgs(base).revertAfterSeconds, 300);
    assert.strictEqual(parseCliArgs(base).noRevert, false);
    const set = parseCliArgs([...base, "--revert-after", "600", "--no-revert"]);
    assert.strictEqual(set.revertAfterSeconds, 600);
    assert.strictEqual(set.noRevert, true);
    for (const bad of ["59", "3601", "1.5", "x"])
      assert.throws(() => parseCliArgs([...base, "--revert-after", bad]), /60 to 3600/);
  });
});
