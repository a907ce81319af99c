/**
 * The code's structure: no module imports itself back through others (an import circle makes
 * load order matter and hides which piece depends on which).
 */
import assert from "assert";
import fs from "fs";
import os from "os";
import path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const FOLDERS = ["src", "components", "bin", "lab", "index.ts"];

function sources(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return full.endsWith(".ts") ? [full] : [];
  return fs.readdirSync(full).flatMap((name) => sources(path.join(entry, name)));
}

/** Local imports of a file (type-only imports count: they still tie the two together). */
function localImports(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"(\.{1,2}\/[^"]+)"/gms),
  ];
  return specifiers
    .map((m) => path.resolve(path.dirname(file), m[1]))
    .map((base) => [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f)))
    .filter((f): f is string => f !== undefined);
}

export function findCircles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, localImports(f)]));
  const circles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") circles.push(stack.slice(stack.indexOf(next)).concat(next));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return circles.map((c) => c.map((f) => path.relative(ROOT, f)));
}

describe("import graph", () => {
  it("has no import circle", () => {
    const files = FOLDERS.flatMap(sources);
    assert.ok(files.length > 50, `${files.length} files read`);
    assert.deepStrictEqual(
      findCircles(files).map((c) => c.join(" -> ")),
      [],
    );
  });

  it("finds a circle when there is one", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vig-circle-"));
    fs.writeFileSync(path.join(dir, "a.ts"), 'import { b } from "./b";\nexport const a = b;\n');
    fs.writeFileSync(
      path.join(dir, "b.ts"),
      'import type { a } from "./a";\nexport const b = 1;\n',
    );
    const found = findCircles([path.join(dir, "a.ts"), path.join(dir, "b.ts")]);
    assert.strictEqual(found.length, 1);
  });
});
