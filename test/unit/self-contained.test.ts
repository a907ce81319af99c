/**
 * The repository stands on its own: code, tests and docs point only inside it. A reference to a
 * design brief kept elsewhere, to an issue tracker's numbers or to a file that does not exist
 * leads a maintainer nowhere.
 */
import assert from "assert";
import { execFileSync } from "child_process";
import fs from "fs";
import path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/** What leads outside the repository. */
const OUTSIDE: [RegExp, string][] = [
  [/DESIGN\.md/, "a design brief outside the repository (docs/design.md is ours)"],
  [/\.\.\/shared\b/, "a folder outside the repository"],
  [/\b[Ii]ssue #?\d+\b/, "an issue number (say what it asked for, or point at docs/)"],
];

/** Tracked text files, less third-party material kept verbatim (the router corpus). */
function trackedTextFiles(): string[] {
  return execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => /\.(ts|js|mjs|md|sh|yaml|yml|json|py)$|^\.ci\/|\/guest\//.test(f))
    .filter((f) => !f.startsWith("test/rtx/corpus/") && f !== "package-lock.json")
    .filter((f) => fs.existsSync(path.join(ROOT, f)));
}

function findings(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
    lines.forEach((line, i) => {
      for (const [pattern, why] of OUTSIDE) {
        if (pattern.test(line)) {
          found.push(`${file}:${i + 1}: ${why}`);
        }
      }
    });
  }
  return found;
}

/** Repository paths a text names (`src/...`, `docs/...`, ...), which must exist. */
function missingPaths(files: string[]): string[] {
  const missing: string[] = [];
  const named =
    /(?<![\w./-])((?:src|docs|components|test|lab|bin|bench|stacks)\/[\w./-]+\.(?:ts|md|yaml|py|sh|json))/g;
  for (const file of files) {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    for (const m of text.matchAll(named)) {
      // A one-letter name is an example in a message (`stacks/x.yaml`), not a file.
      const example = /^\w\.\w+$/.test(path.basename(m[1]));
      if (!example && !fs.existsSync(path.join(ROOT, m[1]))) missing.push(`${file}: ${m[1]}`);
    }
  }
  return [...new Set(missing)];
}

describe("the repository stands on its own", () => {
  const files = trackedTextFiles();

  it("reads the repository's own files", () => {
    assert.ok(files.length > 100, `${files.length} files`);
  });

  it("cites no design brief, folder or issue number outside it", () => {
    assert.deepStrictEqual(findings(files), []);
  });

  it("names only repository files that exist", () => {
    assert.deepStrictEqual(missingPaths(files), []);
  });

  it("catches what it looks for", () => {
    const dir = fs.mkdtempSync(path.join(ROOT, ".self-contained-"));
    try {
      const probe = path.join(dir, "probe.md");
      // Built from parts, so that this file does not carry what it looks for.
      const missing = ["src", "config", "secrets.ts"].join("/");
      fs.writeFileSync(probe, `see ${"DESIGN"}.md §4 and ${"issue"} 5, and ${missing}\n`);
      const rel = path.relative(ROOT, probe);
      assert.strictEqual(findings([rel]).length, 2);
      assert.deepStrictEqual(missingPaths([rel]), [`${rel}: ${missing}`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
