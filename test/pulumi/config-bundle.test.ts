import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  bundleCommand,
  bundleGatewayScripts,
  CLOUD_INIT_WAIT_S,
  quotedHeredoc,
} from "../../components/lib/configBundle";

/**
 * A cloud-init whose first boot is done, as on a gateway that has booted: `status --wait` prints
 * the final status and exits 0. The machine running the tests may have the real cloud-init
 * installed without ever having booted with it, where `status --wait` waits forever.
 */
const FAKE_BIN = fs.mkdtempSync(path.join(os.tmpdir(), "vig-bundle-bin-"));
fs.writeFileSync(
  path.join(FAKE_BIN, "cloud-init"),
  '#!/bin/sh\necho "cloud-init $*" >>"$(dirname "$0")/calls"\necho "status: done"\n',
  { mode: 0o755 },
);

/** Runs a bundle the way the push does (`bash -s -- ACTION`, bundle on stdin), without sudo. */
function runBundle(bundle: string, action: string) {
  const result = spawnSync("bash", ["-s", "--", action], {
    input: bundle,
    encoding: "utf8",
    env: { PATH: `${FAKE_BIN}:${process.env.PATH}` },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("gateway configuration bundle", () => {
  // The second line would be eaten by a script that reads stdin, if the bundle let it.
  const install =
    'echo "install ran as $0"\nread -r line && echo "stole: $line" || echo "stdin closed"\nexit 0\n';
  const remove = "echo remove ran";

  it("runs the install script, with stdin closed so nothing can swallow the bundle", () => {
    const out = runBundle(bundleGatewayScripts("gw-a", install, remove), "install");
    assert.strictEqual(out.status, 0, out.stderr);
    assert.match(out.stdout, /install ran as .*install\.sh\n/);
    assert.match(out.stdout, /stdin closed/);
    assert.doesNotMatch(out.stdout, /remove ran/);
  });

  it("waits for cloud-init, bounded, before install only", () => {
    const calls = path.join(FAKE_BIN, "calls");
    fs.rmSync(calls, { force: true });
    const bundle = bundleGatewayScripts("gw-a", install, remove);
    assert.strictEqual(runBundle(bundle, "remove").status, 0);
    assert.ok(!fs.existsSync(calls), "remove waited for cloud-init");
    assert.strictEqual(runBundle(bundle, "install").status, 0);
    assert.strictEqual(fs.readFileSync(calls, "utf8"), "cloud-init status --wait\n");
    assert.match(bundle, new RegExp(`timeout ${CLOUD_INIT_WAIT_S} cloud-init status --wait`));
  });

  it("runs the remove script for remove", () => {
    const out = runBundle(bundleGatewayScripts("gw-a", install, remove), "remove");
    assert.strictEqual(out.status, 0, out.stderr);
    assert.strictEqual(out.stdout, "remove ran\n");
  });

  it("fails on an unknown action and propagates a failing script's status", () => {
    assert.strictEqual(
      runBundle(bundleGatewayScripts("gw-a", install, remove), "destroy").status,
      2,
    );
    assert.strictEqual(
      runBundle(bundleGatewayScripts("gw-a", "exit 7", remove), "install").status,
      7,
    );
  });

  it("carries scripts containing their own quoted heredocs and $ text verbatim", () => {
    const tricky = "cat <<'EOF'\n$HOME `x` \\n 'q'\nEOF\n";
    const out = runBundle(bundleGatewayScripts("gw-a", tricky, remove), "install");
    assert.strictEqual(out.stdout, "$HOME `x` \\n 'q'\n");
  });

  it("refuses a script that contains its heredoc delimiter on a line of its own", () => {
    assert.throws(
      () => quotedHeredoc("/t", "echo\nEND_X\n", "END_X"),
      /contains the heredoc delimiter END_X/,
    );
    assert.strictEqual(
      quotedHeredoc("/t", "echo END_X", "END_X"),
      "cat >\"/t\" <<'END_X'\necho END_X\nEND_X\n",
    );
  });

  it("is sent with commands that name the action and carry nothing else", () => {
    assert.strictEqual(bundleCommand("install"), "sudo bash -s -- install");
    assert.strictEqual(bundleCommand("remove"), "sudo bash -s -- remove");
  });
});
