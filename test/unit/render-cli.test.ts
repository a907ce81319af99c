import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { runRender } from "../../src/cli/render-command";
import { EXAMPLE_STACKS, exampleDocument, REPO_ROOT } from "../support/stacks";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vig-render-"));
function writeStack(document: unknown): string {
  const file = path.join(tmp, `stack-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, typeof document === "string" ? document : stringify(document));
  return file;
}

/** Each stderr line of a refused stack starts with a key path, then ": ". */
const KEY_PATH_LINE =
  /^(vpc-ipip6-gateway[:.]|aws:|--stack-file|\(stack file\)|config|[a-z-]+:[a-zA-Z]|[a-zA-Z]+: )/;

describe('render CLI (README "Command-line tools")', () => {
  it("runs through npm with --silent and prints one JSON object", function () {
    this.timeout(60000);
    const run = spawnSync(
      "npm",
      ["run", "--silent", "render", "--", "--stack-file", EXAMPLE_STACKS.isatap, "--json"],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
      },
    );
    assert.equal(run.status, 0, run.stderr);
    const site = JSON.parse(run.stdout);
    assert.ok(Array.isArray(site.rtx.commands) && site.rtx.commands.includes("tunnel select 1"));
    assert.equal(site.gateways.length, 2);
    assert.equal(site.gateways[0].tunnelAddress, "2001:db8:1::5efe:a00:10a");
    assert.equal(typeof site.gateways[1].files["/etc/keepalived/keepalived.conf"], "string");
    assert.deepEqual(site.tunnel, { mtu: 1440, mss: 1400 });
  });

  it("exits 2 with one problem per line, each starting with its key path", function () {
    this.timeout(60000);
    const document = exampleDocument("isatap");
    (document.config["vpc-ipip6-gateway:ipv6"] as Record<string, unknown>).pathMtu = 70000;
    (document.config["vpc-ipip6-gateway:rtx"] as Record<string, unknown>).lanAddress = "10.0.0.1";
    const run = spawnSync(
      "npm",
      ["run", "--silent", "render", "--", "--stack-file", writeStack(document)],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
      },
    );
    assert.equal(run.status, 2);
    assert.equal(run.stdout, "");
    const lines = run.stderr.trim().split("\n");
    assert.ok(
      lines.some((l) => l.startsWith("vpc-ipip6-gateway:ipv6.pathMtu: ")),
      run.stderr,
    );
    assert.ok(
      lines.some((l) => l.startsWith("vpc-ipip6-gateway:rtx.lanAddress: ")),
      run.stderr,
    );
  });

  it("exits 2 on usage errors and a missing file", () => {
    assert.equal(runRender([]).code, 2);
    assert.equal(runRender(["--stack-file"]).code, 2);
    assert.equal(runRender(["--stack", "x"]).code, 2);
    const missing = runRender(["--stack-file", path.join(tmp, "absent.yaml")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^--stack-file: cannot read/);
  });

  it("exits 2 on YAML that is not a stack file", () => {
    const recursive = "config:\n  vpc-ipip6-gateway:site: &a\n    name: x\n    cidrs: [*a]\n";
    for (const text of ["config: [1, 2", "- a\n- b\n", "config: 3\n", "x: {}\n", "", recursive]) {
      const file = writeStack(text);
      const result = runRender(["--stack-file", file]);
      assert.equal(result.code, 2, `${JSON.stringify(text)} -> ${result.stdout}`);
      // A problem with the file itself starts with the file's name (and line), like a key path.
      for (const line of result.stderr.trim().split("\n"))
        if (!line.startsWith(`${file}:`)) assert.match(line, KEY_PATH_LINE, line);
    }
  });

  it("never crashes on stacks it was not written for: 300 random mutations exit 0 or 2", () => {
    const random = seededRandom(Number(process.env.FUZZ_SEED ?? 20261127));
    const junk: unknown[] = [
      null,
      "",
      "x",
      -1,
      0,
      1.5,
      70000,
      true,
      [],
      {},
      ["10.0.0.0/8"],
      { a: 1 },
      "2001:db8::1",
      "10.0.0.1",
    ];
    for (let i = 0; i < Number(process.env.FUZZ_CASES ?? 300); i++) {
      const kind = random() < 0.5 ? "isatap" : "native";
      const document = exampleDocument(kind);
      for (let m = 0; m < 1 + Math.floor(random() * 3); m++) {
        const leaves = leafPaths(document.config);
        if (leaves.length === 0) break;
        const target = leaves[Math.floor(random() * leaves.length)];
        const action = random();
        if (action < 0.3) deleteAt(document.config, target);
        else
          setAt(document.config, target, structuredClone(junk[Math.floor(random() * junk.length)]));
      }
      const result = runRender(["--stack-file", writeStack(document), "--json"]);
      assert.ok(result.code === 0 || result.code === 2, `exit ${result.code}: ${result.stderr}`);
      if (result.code === 0) {
        JSON.parse(result.stdout);
      } else {
        assert.equal(result.stdout, "");
        assert.notEqual(
          result.stderr.trim(),
          "",
          `exit 2 without a problem for ${stringify(document)}`,
        );
        for (const line of result.stderr.trim().split("\n"))
          assert.match(line, KEY_PATH_LINE, line);
      }
    }
  });
});

type PathPart = string | number;

function leafPaths(value: unknown, prefix: PathPart[] = []): PathPart[][] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value)
    ? value.map((v, i) => [i, v] as const)
    : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]))].filter(
    (p) => p.length > 0,
  );
}

function parentOf(root: unknown, target: PathPart[]): Record<PathPart, unknown> {
  return target
    .slice(0, -1)
    .reduce<unknown>((node, part) => (node as Record<PathPart, unknown>)[part], root) as Record<
    PathPart,
    unknown
  >;
}

function setAt(root: unknown, target: PathPart[], value: unknown): void {
  parentOf(root, target)[target[target.length - 1]] = value;
}

function deleteAt(root: unknown, target: PathPart[]): void {
  const parent = parentOf(root, target);
  const last = target[target.length - 1];
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

describe("render --rtx-config: the stack planned against a saved router configuration", () => {
  const CORPUS = path.join(REPO_ROOT, "test", "rtx", "corpus");
  const saved = (lines: string[]) => {
    const file = path.join(tmp, `show-config-${Math.random().toString(36).slice(2)}.txt`);
    fs.writeFileSync(file, `${lines.join("\n")}\n`);
    return file;
  };

  it("exits 1 with each clash on one line, the full stack key first and a free id", () => {
    const oci = path.join(CORPUS, "12-RTX1210-oci-two-ipsec-tunnels-template.txt");
    const result = runRender(["--stack-file", EXAMPLE_STACKS.isatap, "--rtx-config", oci]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 2);
    for (const [i, line] of lines.entries()) {
      assert.match(line, KEY_PATH_LINE);
      assert.match(
        line,
        new RegExp(
          `^vpc-ipip6-gateway:rtx\\.tunnelIds: tunnel ${i + 1} is used by someone else: its description is "OCI-VPN${i + 1}".*rtx\\.tunnelIds: \\[3, 4\\]\\)$`,
        ),
      );
    }
  });

  it("refuses a filter id that is the reject-all of the WAN list, and keeps exit 2 for an invalid stack", () => {
    const doc = exampleDocument("isatap") as Record<string, Record<string, unknown>>;
    const rtx = doc.config["vpc-ipip6-gateway:rtx"] as Record<string, unknown>;
    rtx.ipv6FilterId = 101099;
    const router = saved([
      "ipv6 lan2 secure filter in 101000 101099",
      "ipv6 filter 101000 pass * * icmp6",
      "ipv6 filter 101099 reject * * * * *",
    ]);
    const result = runRender(["--stack-file", writeStack(doc), "--rtx-config", router]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^vpc-ipip6-gateway:rtx\.ipv6FilterId: "ipv6 filter 101099 reject \* \* \* \* \*" is the reject-all entry .*; use a free filter id: 1 \(rtx\.ipv6FilterId: 1\)$/m,
    );
    rtx.tunnelIds = [1, 1];
    assert.equal(runRender(["--stack-file", writeStack(doc), "--rtx-config", router]).code, 2);
  });

  it("exits 0 with the render and the plan when the router has room", () => {
    const router = saved(["ip lan2 address 198.51.100.2/30", "ipv6 lan2 secure filter in 1 2"]);
    const result = runRender(["--stack-file", EXAMPLE_STACKS.isatap, "--rtx-config", router]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /rtx plan against .* \(nothing was changed\)\n {2}would add:/);
    assert.match(result.stdout, /after: {2}ipv6 lan2 secure filter in 1 2 101035/);
  });
});
