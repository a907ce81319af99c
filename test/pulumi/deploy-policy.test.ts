import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Capture } from "./support/capture";
import { DEPLOY_ACTIONS } from "./support/deploy-actions";
import { capture, STACKS } from "./support/query";
import { REPO_ROOT } from "./support/run-program";

interface Statement {
  Effect: string;
  Action: string | string[];
}

const POLICY = path.join(REPO_ROOT, "docs", "deploy-policy.json");

function granted(): Set<string> {
  const policy = JSON.parse(fs.readFileSync(POLICY, "utf8")) as { Statement: Statement[] };
  return new Set(
    policy.Statement.filter((s) => s.Effect === "Allow").flatMap((s) =>
      Array.isArray(s.Action) ? s.Action : [s.Action],
    ),
  );
}

/** Every provider resource type the program registers and every lookup it calls. */
function tokensOf(c: Capture): string[] {
  const types = c.resources.filter((r) => r.custom).map((r) => r.type);
  return [...types, ...c.invokes.map((i) => i.token)];
}

describe("docs/deploy-policy.json: the deploying identity's permissions", function () {
  this.timeout(120000);
  let tokens: Set<string>;

  before(async () => {
    const runs = await Promise.all([
      capture("isatap", { stackFile: STACKS.isatap }),
      capture("native", { stackFile: STACKS.native }),
    ]);
    tokens = new Set(runs.flatMap(tokensOf));
  });

  it("has a mapping, with its source, for every resource type and lookup of both examples", () => {
    const unmapped = [...tokens].filter((t) => !(t in DEPLOY_ACTIONS));
    assert.deepStrictEqual(unmapped, []);
    for (const [token, entry] of Object.entries(DEPLOY_ACTIONS))
      assert.ok(entry.source.length > 10, `${token} has no source`);
  });

  it("grants every action those resource types and lookups need", () => {
    const policy = granted();
    const missing = [...tokens].flatMap((t) =>
      (DEPLOY_ACTIONS[t]?.actions ?? []).filter((a) => !policy.has(a)).map((a) => `${t}: ${a}`),
    );
    assert.deepStrictEqual(missing, []);
  });

  it("grants nothing the program does not need (every action is in the table)", () => {
    const needed = new Set(Object.values(DEPLOY_ACTIONS).flatMap((e) => e.actions));
    assert.deepStrictEqual(
      [...granted()].filter((a) => !needed.has(a)),
      [],
    );
  });

  it("keeps no mapping for a token the program no longer uses", () => {
    assert.deepStrictEqual(
      Object.keys(DEPLOY_ACTIONS).filter((t) => !tokens.has(t)),
      [],
    );
  });
});
