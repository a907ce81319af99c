import assert from "assert";
import { parseStackFileText } from "../../src/config/load";
import { placeholderSecretNotes } from "../../src/config/secure-placeholders";
import { runRender } from "../../src/cli/render-command";
import { EXAMPLE_STACKS } from "../support/stacks";

function notesFor(values: Record<string, string>): string[] {
  const text = [
    "config:",
    ...Object.entries(values).map(([k, v]) => `  vpc-ipip6-gateway:${k}:\n    secure: "${v}"`),
  ].join("\n");
  const parsed = parseStackFileText(text);
  assert.ok("raw" in parsed, JSON.stringify(parsed));
  return placeholderSecretNotes(parsed.raw).map((n) => `${n.path}: ${n.message}`);
}

describe("placeholder secrets in a stack file", () => {
  it("names each placeholder with its key and the command that sets it, never the value", () => {
    const notes = notesFor({
      rtxPassword: "AAABAPLACEHOLDERrtxPassword",
      rtxAdminPassword: "<paste the encrypted value>",
      gatewaySshPrivateKey: "...",
    });
    assert.strictEqual(notes.length, 3);
    assert.match(notes[0], /^vpc-ipip6-gateway:rtxPassword: holds a placeholder/);
    assert.match(notes[0], /pulumi config set --secret rtxPassword`$/);
    assert.match(notes[2], /--secret gatewaySshPrivateKey` < <key file>$/);
    for (const note of notes) assert.ok(!note.includes("PLACEHOLDERrtx"), note);
  });

  it("says nothing of values a secrets provider wrote", () => {
    const notes = notesFor({
      rtxPassword: "AAABAK1mZ3JlcGxhY2U9dHJ1ZQ==",
      rtxAdminPassword: "v1:Zm9vYmFy:c2VjcmV0Y2lwaGVydGV4dA==",
    });
    assert.deepStrictEqual(notes, []);
  });

  it("render notes the example stacks' placeholders on stderr and still exits 0", () => {
    const result = runRender(["--stack-file", EXAMPLE_STACKS.isatap]);
    assert.strictEqual(result.code, 0, result.stderr);
    const lines = result.stderr.trim().split("\n");
    assert.strictEqual(lines.length, 3, result.stderr);
    for (const line of lines)
      assert.match(line, /^note: vpc-ipip6-gateway:\w+: holds a placeholder/);
  });
});
