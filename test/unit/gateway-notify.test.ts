import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PATHS } from "../../src/gateway/paths";
import { renderGateway } from "../../src/gateway/render";
import { exampleConfig } from "../support/stacks";

/**
 * Runs the rendered notify script with stand-ins for curl (IMDSv2), aws, ip, logger and sleep on
 * PATH, and checks which EC2 calls it makes.
 */
const ENI = "eni-0123456789abcdef0";
const FAKES: Record<string, string> = {
  curl: `#!/bin/bash
args="$*"
case "$args" in
  *"-X PUT"*api/token*) echo TOKEN123; exit 0 ;;
esac
[[ "$args" == *"X-aws-ec2-metadata-token: TOKEN123"* ]] || exit 22
case "$args" in
  *placement/region*) echo ap-northeast-1 ;;
  *interfaces/macs/0a:00:00:00:00:01/interface-id*) echo ${ENI} ;;
  *meta-data/mac*) echo 0a:00:00:00:00:01 ;;
  *) exit 22 ;;
esac`,
  aws: `#!/bin/bash
echo "$*" >> "$FAKE_DIR/aws.calls"
case "$2" in
  describe-route-tables) echo "\${FAKE_CURRENT_TARGET:-None}"; exit 0 ;;
  create-route) exit 0 ;;
  replace-route)
    case "$FAKE_AWS_MODE" in
      ok) exit 0 ;;
      notfound) echo "An error occurred (InvalidParameterValue) when calling the ReplaceRoute operation: There is no route defined for '$9' in the route table. Use CreateRoute instead." >&2; exit 254 ;;
      flaky) n=$(cat "$FAKE_DIR/flaky" 2>/dev/null || echo 0); echo $((n + 1)) > "$FAKE_DIR/flaky"
             [ "$n" -ge 2 ] && exit 0; echo "RequestLimitExceeded" >&2; exit 254 ;;
      down) echo "Could not connect to the endpoint URL" >&2; exit 255 ;;
    esac ;;
esac
exit 0`,
  ip: `#!/bin/bash
[ "$FAKE_MASTER" = 1 ] && echo "    inet 169.254.254.$FAKE_ROUTER_ID/32 scope global vig-vrrp"
exit 0`,
  logger: `#!/bin/bash
echo "$*" >> "$FAKE_DIR/log"`,
  sleep: `#!/bin/bash
echo "$1" >> "$FAKE_DIR/sleeps"`,
};

interface Run {
  status: number | null;
  awsCalls: string[];
  log: string;
}

const config = exampleConfig("isatap");
const notify = renderGateway(config, 1).files[PATHS.notifyScript];
const routerId = /PLACEHOLDER=169\.254\.254\.(\d+)/.exec(notify)?.[1] ?? "";

function runNotify(env: Record<string, string>, args: string[] = []): Run {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vig-notify-"));
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  for (const [name, body] of Object.entries(FAKES))
    fs.writeFileSync(path.join(bin, name), body, { mode: 0o755 });
  const script = path.join(dir, "notify-master");
  fs.writeFileSync(script, notify, { mode: 0o755 });
  const result = spawnSync("bash", [script, ...args], {
    encoding: "utf8",
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      FAKE_DIR: dir,
      FAKE_ROUTER_ID: routerId,
      FAKE_AWS_MODE: "ok",
      ...env,
    },
  });
  const read = (name: string) =>
    fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), "utf8") : "";
  return {
    status: result.status,
    awsCalls: read("aws.calls").split("\n").filter(Boolean),
    log: read("log"),
  };
}

const calls = (run: Run, verb: string) => run.awsCalls.filter((c) => c.startsWith(`ec2 ${verb} `));

describe("notify-master: moving the routes", () => {
  it("replaces every managed route for every site CIDR with this gateway's ENI", () => {
    const run = runNotify({});
    assert.equal(run.status, 0, run.log);
    const replaced = calls(run, "replace-route");
    assert.equal(replaced.length, config.vpc.routeTableIds.length * config.site.cidrs.length);
    for (const table of config.vpc.routeTableIds) {
      assert.ok(
        replaced.some(
          (c) =>
            c.includes(`--route-table-id ${table}`) &&
            c.includes(`--network-interface-id ${ENI}`) &&
            c.includes("--region ap-northeast-1"),
        ),
        `${table}: ${replaced.join("\n")}`,
      );
    }
    assert.match(run.log, /-> eni-0123456789abcdef0 \(replaced\)/);
  });

  it("creates a route that is missing", () => {
    const run = runNotify({ FAKE_AWS_MODE: "notfound" });
    assert.equal(run.status, 0, run.log);
    assert.equal(calls(run, "create-route").length, 2);
    assert.match(run.log, /\(created\)/);
  });

  it("retries a failing call and succeeds", () => {
    const run = runNotify({ FAKE_AWS_MODE: "flaky" });
    assert.equal(run.status, 0, run.log);
    assert.ok(calls(run, "replace-route").length >= 3);
    assert.match(run.log, /attempt 1 failed/);
  });

  it("gives up after its retries, exits non-zero and says so", () => {
    const run = runNotify({ FAKE_AWS_MODE: "down" });
    assert.equal(run.status, 1);
    assert.equal(calls(run, "replace-route").length, 2 * 5);
    assert.match(run.log, /giving up after 5 attempts/);
    assert.match(run.log, /2 route\(s\) not moved/);
  });

  it("with --if-master, does nothing on a backup", () => {
    const run = runNotify({ FAKE_MASTER: "0" }, ["--if-master"]);
    assert.equal(run.status, 0);
    assert.deepEqual(run.awsCalls, []);
  });

  it("with --if-master, leaves a route already on this ENI and moves one that is not", () => {
    const settled = runNotify({ FAKE_MASTER: "1", FAKE_CURRENT_TARGET: ENI }, ["--if-master"]);
    assert.equal(settled.status, 0, settled.log);
    assert.equal(calls(settled, "describe-route-tables").length, 2);
    assert.equal(calls(settled, "replace-route").length, 0);
    const moved = runNotify({ FAKE_MASTER: "1", FAKE_CURRENT_TARGET: "eni-0ffffffffffffffff" }, [
      "--if-master",
    ]);
    assert.equal(calls(moved, "replace-route").length, 2);
  });
});
