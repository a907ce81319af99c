import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runRender } from "../../src/cli/render-command";
import { EXAMPLE_STACKS } from "../support/stacks";

/** The isatap example's text with one edit, written where render reads it. */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vig-yaml-"));
const example = fs.readFileSync(EXAMPLE_STACKS.isatap, "utf8");
function stackWith(edit: (text: string) => string): string {
  const text = edit(example);
  assert.notEqual(text, example, "the edit must change the example");
  const file = path.join(tmp, `stack-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

function refused(file: string): string[] {
  const result = runRender(["--stack-file", file]);
  assert.equal(result.code, 2, result.stderr);
  assert.equal(result.stdout, "");
  return result.stderr.trimEnd().split("\n");
}

const lineOf = (needle: string) => example.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("YAML mistakes in a stack file, in plain words", () => {
  it("names the file, the line, the key and the mapping of a key given twice", () => {
    const file = stackWith((t) =>
      t.replace(
        "  vpc-ipip6-gateway:failover:",
        "  vpc-ipip6-gateway:rtx:\n    host: 192.168.10.9\n  vpc-ipip6-gateway:failover:",
      ),
    );
    const rtxLine = lineOf("  vpc-ipip6-gateway:rtx:");
    const secondLine = lineOf("  vpc-ipip6-gateway:failover:");
    assert.deepEqual(refused(file), [
      `${file}:${secondLine}: key "vpc-ipip6-gateway:rtx" appears twice under config (first at line ${rtxLine}); keep one`,
    ]);
  });

  it("names the section of a key given twice inside it", () => {
    const file = stackWith((t) => t.replace("    port: 22\n", "    port: 22\n    port: 2222\n"));
    const line = lineOf("    port: 22");
    assert.deepEqual(refused(file), [
      `${file}:${line + 1}: key "port" appears twice under vpc-ipip6-gateway:rtx (first at line ${line}); keep one`,
    ]);
  });

  it("reports a tab once, not with the parser's follow-on errors", () => {
    const file = stackWith((t) => t.replace("    name: osaka", "\tname: osaka"));
    const lines = refused(file);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0],
      new RegExp(
        `^${escape(file)}:${lineOf("name: osaka")}: a tab indents key "name"; YAML indents with spaces only \\(\\d+ follow-on YAML error\\(s\\) not shown`,
      ),
    );
  });

  it("reports each of two tabs, as two mistakes", () => {
    const file = stackWith((t) =>
      t.replace("    name: osaka", "\tname: osaka").replace("    user: admin", "\tuser: admin"),
    );
    const lines = refused(file);
    assert.equal(lines.length, 2, lines.join("\n"));
    assert.ok(lines[0].startsWith(`${file}:${lineOf("name: osaka")}: a tab indents key "name"`));
    assert.ok(lines[1].startsWith(`${file}:${lineOf("user: admin")}: a tab indents key "user"`));
  });

  it("reports another syntax error once, at its line and key", () => {
    const file = stackWith((t) => t.replace("name: osaka", 'name: "osaka'));
    const lines = refused(file);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.ok(
      lines[0].startsWith(`${file}:${lineOf("name: osaka")}: at key "name": `),
      lines.join("\n"),
    );
  });

  it("tells a flat dotted key how to be nested", () => {
    const file = stackWith((t) =>
      t.replace(
        "  vpc-ipip6-gateway:failover:",
        "  vpc-ipip6-gateway:rtx.host: 192.168.10.9\n  vpc-ipip6-gateway:failover:",
      ),
    );
    assert.deepEqual(refused(file), [
      `vpc-ipip6-gateway:rtx.host: is one flat key, not "host" inside rtx: did you mean to nest it? use pulumi config set --path 'vpc-ipip6-gateway:rtx.host' '192.168.10.9' (and pulumi config rm 'vpc-ipip6-gateway:rtx.host')`,
    ]);
  });

  it('says which key lacks its colon ("Implicit keys need to be on a single line")', () => {
    const file = stackWith((t) => t.replace("    name: osaka", "    name osaka"));
    assert.deepEqual(refused(file), [
      `${file}:${lineOf("    name: osaka")}: key "name" has no colon after it: write "name: osaka"`,
    ]);
  });

  it("says which key lacks its colon when it is the last of its mapping", () => {
    const lines = example.split("\n");
    const last = lines.findIndex(
      (l, i) => /^ {4}\w+: \S/.test(l) && !/^ {4}/.test(lines[i + 1] ?? ""),
    );
    const [key, value] = lines[last].trim().split(": ");
    const file = stackWith((t) =>
      t
        .split("\n")
        .map((l, i) => (i === last ? `    ${key} ${value}` : l))
        .join("\n"),
    );
    const problems = refused(file);
    assert.match(
      problems[0],
      new RegExp(`:${last + 1}: key "${key}" has no colon after it: write "${key}: `),
    );
  });
});
