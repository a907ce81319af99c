/**
 * `render --mermaid` and the README's diagrams, read by Mermaid's own parser (the mermaid
 * package, under jsdom): a diagram that GitHub would fail to draw fails here.
 */
import assert from "assert";
import fs from "fs";
import path from "path";
import { JSDOM } from "jsdom";
import { runRender } from "../../src/cli/render-command";
import { REPO_ROOT } from "../support/stacks";

/** A real dynamic import: mermaid ships as ES modules only. */
const importEsm = new Function("specifier", "return import(specifier)") as (
  s: string,
) => Promise<{ default: { initialize(o: object): void; parse(text: string): Promise<unknown> } }>;

async function mermaidParser() {
  const dom = new JSDOM("<!doctype html><html><body></body></html>");
  Object.assign(globalThis, {
    window: dom.window,
    document: dom.window.document,
    DOMParser: dom.window.DOMParser,
    Element: dom.window.Element,
  });
  const { default: mermaid } = await importEsm("mermaid");
  mermaid.initialize({ startOnLoad: false });
  return mermaid;
}

function stack(name: string): string {
  return path.join(REPO_ROOT, "stacks", `Pulumi.example-${name}.yaml`);
}

describe("render --mermaid", function () {
  this.timeout(30000);
  let mermaid: Awaited<ReturnType<typeof mermaidParser>>;
  before(async () => (mermaid = await mermaidParser()));

  for (const name of ["isatap", "native"]) {
    it(`draws the ${name} example's own topology, which Mermaid parses`, async () => {
      const result = runRender(["--stack-file", stack(name), "--mermaid"]);
      assert.strictEqual(result.code, 0, result.stderr);
      const json = JSON.parse(runRender(["--stack-file", stack(name), "--json"]).stdout);
      for (const g of json.gateways) {
        assert.ok(result.stdout.includes(g.tunnelAddress), g.tunnelAddress);
        assert.ok(result.stdout.includes(g.privateIp), g.privateIp);
      }
      assert.ok(result.stdout.includes(`MTU ${json.tunnel.mtu}, MSS ${json.tunnel.mss}`));
      await mermaid.parse(result.stdout);
    });
  }

  it("refuses --json and --mermaid together", () => {
    assert.strictEqual(runRender(["--stack-file", stack("native"), "--json", "--mermaid"]).code, 2);
  });

  it("the README's diagrams parse too, one per IPv6 mode", async () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const diagrams = [...readme.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
    assert.ok(diagrams.length >= 2, `${diagrams.length} diagrams`);
    for (const diagram of diagrams) await mermaid.parse(diagram);
  });

  it("docs/rtx.md's protocol diagram parses", async () => {
    const doc = fs.readFileSync(path.join(REPO_ROOT, "docs", "rtx.md"), "utf8");
    const diagrams = [...doc.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
    assert.ok(diagrams.length >= 1, `${diagrams.length} diagrams`);
    for (const diagram of diagrams) await mermaid.parse(diagram);
  });

  it("the parser refuses a broken diagram (so the checks above can fail)", async () => {
    await assert.rejects(mermaid.parse("flowchart LR\n  a -->>>> b\n"));
  });
});
