/**
 * Apply then remove against real, public RTX configurations (test/rtx/corpus/, sources in
 * sources.json) through the fake router: every user line stays as it was, and the round trip
 * gives back the original exactly, or the run refuses cleanly with nothing changed.
 */
import assert from "assert";
import fs from "fs";
import path from "path";
import { contextLabel, parseCommandList } from "../../src/rtx/model";
import { RtxError } from "../../src/rtx/errors";
import { Harness, startFake } from "./helpers";
import { siteList, SiteListOptions } from "./site-lists";

const CORPUS = path.join(__dirname, "corpus");
const FILES = fs
  .readdirSync(CORPUS)
  .filter((f) => /^\d\d-.*\.txt$/.test(f))
  .sort();

interface Outcome {
  file: string;
  run: string;
  result: "round trip" | "refused";
  userLines: number;
  changed: number;
  secureFilter: string;
  note: string;
}
const outcomes: Outcome[] = [];

function firstFree(used: Set<number>, count: number, from = 1): number[] {
  const free: number[] = [];
  for (let id = from; free.length < count; id++) if (!used.has(id)) free.push(id);
  return free;
}

/** Ids, networks and the WAN list name this config does not use, so an apply can succeed. */
function freeChoices(lines: string[]): SiteListOptions {
  const parsed = parseCommandList(lines, { lenient: true });
  const text = parsed.map((l) => `${contextLabel(l.context)} ${l.text}`).join("\n");
  const numbers = (pattern: RegExp) =>
    new Set([...text.matchAll(pattern)].map((m) => Number(m[1])));
  const [a, b] = firstFree(numbers(/tunnel\s*(\d+)/gi), 2);
  const [ka, kb] = firstFree(numbers(/keepalive (\d+)/gi), 2);
  const [filterId] = firstFree(numbers(/ipv6 filter (\d+)/gi), 1, 101035);
  const cidr = ["10.0.0.0/16", "10.250.0.0/16", "172.31.0.0/16"].find((c) => !text.includes(c));
  return { tunnels: [a, b], keepalives: [ka, kb], filterId, vpcCidrs: [cidr as string] };
}

function configOf(file: string): string[] {
  return fs.readFileSync(path.join(CORPUS, file), "utf8").replace(/\r/g, "").split("\n");
}

/** The user's lines after our apply, the WAN list compared without our id. */
function changedUserLines(before: string[], after: string[], ourId: number): string[] {
  const present = new Set(after.map((l) => withoutId(l, ourId)));
  return before.filter((line) => !present.has(line));
}

function withoutId(line: string, id: number): string {
  if (!/secure filter (in|out)/.test(line)) return line;
  return line.replace(new RegExp(` ${id}(?= |$)`), "");
}

describe("rtx client against a corpus of real RTX configurations", function () {
  this.timeout(120000);
  let h: Harness;
  afterEach(async () => h && (await h.rtx.stop()));
  after(() => {
    const rows = outcomes.map(
      (o) =>
        `${o.file.padEnd(52)} ${o.run.padEnd(12)} ${o.result.padEnd(10)} ${String(o.userLines).padStart(4)} lines, ${o.changed} changed  ${o.secureFilter}`,
    );
    const changed = outcomes.reduce((n, o) => n + o.changed, 0);
    process.stdout.write(
      `\n      corpus: ${FILES.length} configurations, ${outcomes.length} runs, ${changed} user lines changed\n` +
        rows.map((r) => `      ${r}\n`).join(""),
    );
  });

  it("holds at least eight real configurations, each with its public source noted", () => {
    const sources = JSON.parse(fs.readFileSync(path.join(CORPUS, "sources.json"), "utf8")) as {
      file: string;
      source: string;
    }[];
    assert.ok(FILES.length >= 8, `${FILES.length} configurations`);
    for (const file of FILES) {
      const entry = sources.find((s) => s.file === file);
      assert.ok(
        entry && /^(github:[\w.-]+\/[\w.-]+ .+@[0-9a-f]{7,}|https:\/\/)/.test(entry.source),
        file,
      );
    }
  });

  for (const file of FILES) {
    it(`${file}: apply, re-apply and remove with free ids give back the original exactly`, async () => {
      const config = configOf(file);
      const choices = freeChoices(config);
      const commands = siteList(choices);
      h = await startFake({ config });
      const before = h.rtx.saved.lines();
      const applied = await h.run("apply", { commands });
      assert.strictEqual(applied.saved, true);
      const changed = changedUserLines(before, h.rtx.saved.lines(), choices.filterId as number);
      const again = await h.run("apply", { commands });
      assert.deepStrictEqual(again.sent, [], "a re-apply sends nothing");
      const removed = await h.run("remove", { commands });
      assert.strictEqual(removed.saved, true);
      outcomes.push({
        file,
        run: "free ids",
        result: "round trip",
        userLines: before.length,
        changed: changed.length,
        secureFilter: applied.secureFilter.map((o) => o.outcome).join(","),
        note: "",
      });
      assert.deepStrictEqual(changed, [], "user lines changed by apply");
      assert.deepStrictEqual(h.rtx.saved.lines(), before, "saved config after remove");
      assert.deepStrictEqual(h.rtx.running.lines(), before, "running config after remove");
    });

    it(`${file}: the example's own ids either round-trip or are refused with nothing changed`, async () => {
      const config = configOf(file);
      const commands = siteList();
      h = await startFake({ config });
      const before = h.rtx.saved.lines();
      let result: Outcome["result"] = "round trip";
      let note = "";
      let changed = 0;
      try {
        await h.run("apply", { commands });
        changed = changedUserLines(before, h.rtx.saved.lines(), 101035).length;
        await h.run("remove", { commands });
      } catch (error) {
        assert.ok(error instanceof RtxError, String(error));
        assert.match((error as Error).message, /nothing had been changed; nothing was saved/);
        result = "refused";
        note = (error as Error).message.slice(0, 80);
        assert.strictEqual(h.rtx.saves, 0);
      }
      outcomes.push({
        file,
        run: "example ids",
        result,
        userLines: before.length,
        changed,
        secureFilter: "",
        note,
      });
      assert.strictEqual(changed, 0);
      assert.deepStrictEqual(h.rtx.saved.lines(), before);
      assert.deepStrictEqual(h.rtx.running.lines(), before);
    });
  }
});
