import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";

/**
 * The lab's EC2 stand-in writes its route tables through rtnetlink (RouteNetlink in
 * lab/aws-standin/aws_standin.py) instead of starting `ip` per route. Each operation runs in a
 * network namespace of its own (unshare --net, as root) and is compared with what iproute2's
 * `ip route replace|del` makes of the same route in a twin table, read back by `ip -j route`.
 */

const STANDIN_DIR = path.resolve(__dirname, "../../lab/aws-standin");

const SCRIPT = String.raw`
import json, subprocess, sys
sys.path.insert(0, sys.argv[1])
from aws_standin import RouteNetlink

def ip(*args):
    return subprocess.run(["ip", *args], check=True, capture_output=True, text=True).stdout

def table(number):
    return json.loads(ip("-j", "route", "show", "table", str(number)) or "[]")

ip("link", "add", "eni0", "type", "veth", "peer", "name", "eni1")
ip("addr", "add", "10.9.0.1/24", "dev", "eni0")
ip("link", "set", "eni1", "up")
ip("link", "set", "eni0", "up")
nl = RouteNetlink()
out = {}
for ours, theirs in ((10001, 10002), (200, 201)):
    steps = []
    for via in ("10.9.0.2", "10.9.0.3"):
        rc = nl.replace("192.168.10.0/24", via, ours)
        ip("route", "replace", "192.168.10.0/24", "via", via, "table", str(theirs))
        steps.append({"rc": rc, "ours": table(ours), "theirs": table(theirs)})
    rc = nl.delete("192.168.10.0/24", ours)
    ip("route", "del", "192.168.10.0/24", "table", str(theirs))
    steps.append({"rc": rc, "ours": table(ours), "theirs": table(theirs)})
    steps.append({"rc": nl.delete("192.168.10.0/24", ours), "ours": [], "theirs": []})
    steps.append({"rc": nl.replace("192.168.10.0/24", "10.99.0.1", ours), "ours": table(ours), "theirs": []})
    out[ours] = steps
print(json.dumps(out))
`;

interface Step {
  rc: number;
  ours: Record<string, unknown>[];
  theirs: Record<string, unknown>[];
}

describe("lab EC2 stand-in: its routes through rtnetlink, as `ip route` makes them", function () {
  this.timeout(20000);
  let result: Record<string, Step[]> = {};

  before(function () {
    if (process.getuid?.() !== 0) {
      // CI and the lab run as root; a network namespace needs it
      this.skip();
    }
    const run = spawnSync("unshare", ["--net", "python3", "-c", SCRIPT, STANDIN_DIR], {
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    result = JSON.parse(run.stdout) as Record<string, Step[]>;
  });

  for (const t of ["10001", "200"]) {
    it(`replaces, re-points and deletes a route in table ${t} exactly as ip route does`, () => {
      const steps = result[t];
      for (const s of steps.slice(0, 3)) {
        assert.equal(s.rc, 0);
        assert.deepEqual(
          s.ours.map((r) => ({ ...r, table: undefined })),
          s.theirs.map((r) => ({ ...r, table: undefined })),
        );
      }
      assert.deepEqual(steps[1].ours[0].gateway, "10.9.0.3", "re-pointed, not added");
      assert.equal(steps[1].ours.length, 1);
      assert.deepEqual(steps[2].ours, [], "deleted");
    });

    it(`returns the kernel's error in table ${t}: a route gone (ESRCH), a gateway off-link (ENETUNREACH)`, () => {
      const [, , , gone, unreachable] = result[t];
      assert.equal(gone.rc, -3);
      assert.equal(unreachable.rc, -101);
      assert.deepEqual(unreachable.ours, []);
    });
  }
});
