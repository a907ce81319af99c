/**
 * The route release's script, run by bash with stand-ins for systemctl (records its arguments)
 * and a real flock held by another process: it stops the movers and waits for a running one.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UNITS } from "../../src/gateway/paths";
import { renderReleaseScript } from "../../src/gateway/release-script";
import { LOCK_FILE_NAME } from "../../src/gateway/route-mover";

function sandbox() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vig-release-"));
  const bin = path.join(dir, "bin");
  const runDir = path.join(dir, "run");
  fs.mkdirSync(bin);
  fs.mkdirSync(runDir);
  // systemctl as on a host whose keepalived is already stopped: it still exits 0 for stop.
  fs.writeFileSync(path.join(bin, "systemctl"), `#!/bin/bash\necho "$*" >> ${dir}/systemctl\n`, {
    mode: 0o755,
  });
  return { dir, bin, runDir };
}

function run(s: ReturnType<typeof sandbox>) {
  const started = Date.now();
  const result = spawnSync("bash", ["-c", renderReleaseScript(s.runDir)], {
    env: { PATH: `${s.bin}:/usr/bin:/bin` },
    encoding: "utf8",
  });
  return { ...result, ms: Date.now() - started };
}

describe("route release script (pulumi destroy)", function () {
  this.timeout(20000);

  it("stops keepalived and both resident route movers, the active one and its spare", () => {
    const s = sandbox();
    const r = run(s);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      fs.readFileSync(path.join(s.dir, "systemctl"), "utf8"),
      `stop ${UNITS.keepalived} ${UNITS.routeMover} ${UNITS.routeMoverSpare}\n`,
    );
  });

  it("waits for a mover that holds the routes lock, and returns once it lets go", async () => {
    const s = sandbox();
    const lock = path.join(s.runDir, LOCK_FILE_NAME);
    const holder = spawn("flock", [lock, "sleep", "1.5"], { stdio: "ignore" });
    await new Promise((r) => setTimeout(r, 300));
    const r = run(s);
    holder.kill();
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.ms >= 1000, `returned after ${r.ms} ms, while the mover still held the lock`);
  });

  it("returns at once on a host where the movers never ran (no run directory)", () => {
    const s = sandbox();
    fs.rmdirSync(s.runDir);
    const r = run(s);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.ms < 1000, `${r.ms} ms`);
  });
});
