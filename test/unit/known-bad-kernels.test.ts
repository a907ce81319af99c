import assert from "node:assert/strict";
import { al2023AmiQuery, al2023NameRegex, digitStringsExcept } from "../../components/lib/ami";
import {
  AL2023_BAD_RELEASES,
  badReleaseDates,
  describeRange,
  KNOWN_BAD_KERNELS,
  knownBadKernel,
  parseKernelRelease,
} from "../../src/gateway/known-bad-kernels";

describe("known-bad kernels", () => {
  it("parses Amazon Linux 2023's uname -r into series and patch level", () => {
    assert.deepEqual(parseKernelRelease("6.1.163-186.299.amzn2023.aarch64"), {
      series: "6.1",
      patch: 163,
    });
    assert.deepEqual(parseKernelRelease("6.12.68-90.120.amzn2023.x86_64"), {
      series: "6.12",
      patch: 68,
    });
    assert.equal(parseKernelRelease("not-a-kernel"), undefined);
  });

  it("refuses each range from its first bad patch level up to, not including, the fix", () => {
    const bad = (r: string) => knownBadKernel(r) !== undefined;
    assert.ok(!bad("6.1.161-183.298.amzn2023.aarch64"));
    assert.ok(bad("6.1.162-184.100.amzn2023.aarch64"));
    assert.ok(bad("6.1.163-186.299.amzn2023.aarch64"));
    assert.ok(!bad("6.1.164-187.1.amzn2023.aarch64"));
    assert.ok(!bad("6.12.66-88.1.amzn2023.x86_64"));
    assert.ok(bad("6.12.67-89.1.amzn2023.x86_64"));
    assert.ok(bad("6.12.68-90.120.amzn2023.x86_64"));
    assert.ok(bad("6.12.70-92.1.amzn2023.x86_64"));
    assert.ok(!bad("6.12.71-93.1.amzn2023.x86_64"));
    assert.ok(!bad("6.6.121"));
    assert.ok(bad("6.6.130"), "6.6 has no recorded fix: refused from 6.6.122 on");
    assert.ok(!bad("6.16.67"), "a series that only starts like 6.1 is another series");
  });

  it("names every range and has sources for every entry", () => {
    assert.equal(describeRange(KNOWN_BAD_KERNELS[0]), "6.1.162 to 6.1.163 (fixed in 6.1.164)");
    for (const r of KNOWN_BAD_KERNELS) assert.ok(r.sources.length > 0, r.series);
    for (const r of AL2023_BAD_RELEASES) {
      assert.ok(r.sources.length > 0, r.release);
      assert.ok(knownBadKernel(r.kernel), `${r.release} ships ${r.kernel}, a listed bad kernel`);
    }
    assert.deepEqual(badReleaseDates(), ["20260216", "20260302"]);
  });
});

describe("default AMI lookup", () => {
  const image = (date: string, kernel = "6.12", arch = "arm64") =>
    `al2023-ami-2023.10.${date}.0-kernel-${kernel}-${arch}`;

  it("asks getAmi to leave out every release known to ship a bad kernel", () => {
    const query = al2023AmiQuery("arm64", "6.12");
    assert.equal(query.nameRegex, al2023NameRegex("arm64", "6.12"));
    const regex = new RegExp(query.nameRegex);
    for (const date of badReleaseDates()) {
      assert.ok(!regex.test(image(date)), date);
      assert.ok(!regex.test(image(date).replace(".0-kernel", ".1-kernel")), `${date} respin`);
    }
    assert.ok(regex.test(image("20260223")));
    assert.ok(regex.test(image("20260316")));
  });

  it("matches every other date of the year and nothing but the stream and architecture asked", () => {
    const regex = new RegExp(al2023NameRegex("x86_64", "6.1"));
    const excluded = new Set(badReleaseDates());
    for (let month = 1; month <= 12; month++)
      for (let day = 1; day <= 31; day++) {
        const date = `2026${String(month).padStart(2, "0")}${String(day).padStart(2, "0")}`;
        assert.equal(regex.test(image(date, "6.1", "x86_64")), !excluded.has(date), date);
      }
    assert.ok(!regex.test(image("20260401", "6.12", "x86_64")));
    assert.ok(!regex.test(image("20260401", "6.1", "arm64")));
    assert.ok(!regex.test(`al2023-ami-minimal-2023.10.20260401.0-kernel-6.1-x86_64`));
  });

  it("builds the date complement from common prefixes, without lookahead (RE2 has none)", () => {
    const pattern = digitStringsExcept(["12", "13"], 2);
    assert.equal(pattern, "(?:[023456789][0-9]|1(?:[01456789]))");
    assert.doesNotMatch(al2023NameRegex("arm64", "6.1"), /\(\?[=!]/);
    assert.equal(
      digitStringsExcept(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], 1),
      undefined,
    );
  });
});
