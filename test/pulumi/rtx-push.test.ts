/**
 * The RTX push's lifecycle, end to end: the program's local.Command inputs, run the way
 * @pulumi/command 1.2.1 runs them (`/bin/sh -c <command>` in `dir`, `environment` added to the
 * process environment, `stdin` piped, the previous create/update's stdout, trailing newline
 * trimmed, as PULUMI_COMMAND_STDOUT when addPreviousOutputInEnv is on), against the fake RTX.
 * Two programs model two `pulumi up`s: the second changes the tunnel ids and drops a VPC network.
 */
import * as assert from "assert";
import { spawn } from "child_process";
import { PREVIOUS_OUTPUT_ENV } from "../../components/rtxConfiguration";
import { Summary } from "../../src/rtx/client";
import { parseCommandList } from "../../src/rtx/model";
import { FakeRtx } from "../rtx/fake-rtx";
import { USER_CONFIG } from "../rtx/helpers";
import { Capture, CapturedResource } from "./support/capture";
import { capture, named, secretValue, STACKS } from "./support/query";
import { RawConfig } from "./support/run-program";
import { SECRET_MARKERS, TEST_SECRETS } from "./support/secrets";

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** One provider step: the command of `inputs`, with its environment, stdin and directory. */
function runStep(inputs: Record<string, unknown>, commandText: string, previous?: string) {
  const environment = secretValue(inputs.environment) as Record<string, string>;
  const env: NodeJS.ProcessEnv = { ...process.env, ...environment };
  delete env[PREVIOUS_OUTPUT_ENV];
  if (inputs.addPreviousOutputInEnv !== false && previous) env[PREVIOUS_OUTPUT_ENV] = previous;
  return new Promise<Outcome>((resolve) => {
    const child = spawn("/bin/sh", ["-c", commandText], { cwd: String(inputs.dir), env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) =>
      resolve({ code: code ?? -1, stdout: stdout.replace(/\n$/, ""), stderr }),
    );
    child.stdin.end(String(inputs.stdin));
  });
}

function summaryOf(outcome: Outcome): Summary {
  assert.strictEqual(outcome.code, 0, outcome.stderr);
  return JSON.parse(outcome.stdout) as Summary;
}

function pointAtFake(rtx: FakeRtx, port: number, vpcCidrs: string[], tunnelIds: number[]) {
  return (config: RawConfig) => {
    const target = config["vpc-ipip6-gateway:rtx"] as Record<string, unknown>;
    Object.assign(target, {
      host: "127.0.0.1",
      port,
      user: rtx.user,
      hostKey: rtx.publicKey,
      tunnelIds,
    });
    (config["vpc-ipip6-gateway:vpc"] as Record<string, unknown>).cidrs = vpcCidrs;
  };
}

const pushOf = (c: Capture): CapturedResource => named(c, "osaka-rtx-push");
const preflightOf = (c: Capture): CapturedResource => named(c, "osaka-rtx-preflight-plan");
const stdinLines = (push: CapturedResource) => String(push.inputs.stdin).trimEnd().split("\n");

describe("pulumi program: the RTX push through create, update and delete", function () {
  this.timeout(180000);
  const rtx = new FakeRtx({
    config: USER_CONFIG,
    password: TEST_SECRETS.rtxPassword,
    adminPassword: TEST_SECRETS.rtxAdminPassword,
  });
  let oldPush: CapturedResource;
  let newPush: CapturedResource;

  before(async () => {
    const port = await rtx.start();
    const twoNetworks = ["10.0.0.0/16", "10.1.0.0/16"];
    const [first, second] = await Promise.all([
      capture("rtx-push-before", {
        stackFile: STACKS.isatap,
        edit: pointAtFake(rtx, port, twoNetworks, [1, 2]),
      }),
      capture("rtx-push-after", {
        stackFile: STACKS.isatap,
        edit: pointAtFake(rtx, port, ["10.0.0.0/16"], [3, 4]),
      }),
    ]);
    oldPush = pushOf(first);
    newPush = pushOf(second);
  });
  after(async () => rtx.stop());

  it("applies on create, updates in place on a changed list, and removes everything on delete", async () => {
    const [olds, news] = [oldPush.inputs, newPush.inputs];
    assert.deepStrictEqual(news.triggers, olds.triggers);
    assert.notStrictEqual(news.stdin, olds.stdin);

    const createRun = await runStep(olds, String(olds.create));
    assert.deepStrictEqual(summaryOf(createRun).commands, stdinLines(oldPush));

    // The update: the new inputs, the old stdout in the environment.
    const updateRun = await runStep(news, String(news.update), createRun.stdout);
    const updated = summaryOf(updateRun);
    assert.strictEqual(updated.previous?.lines, stdinLines(oldPush).length);
    assert.ok(updated.stale.includes("no ip route 10.1.0.0/16"), updated.stale.join("\n"));
    const newTunnel = updated.sent.indexOf("tunnel enable 3");
    assert.ok(newTunnel >= 0 && newTunnel < updated.sent.indexOf("no tunnel enable 1"));
    for (const line of parseCommandList(stdinLines(newPush))) {
      if (/secure filter/.test(line.text)) continue;
      assert.ok(rtx.saved.has(line.text, line.context), `lacks ${line.text}`);
    }
    assert.strictEqual(rtx.saved.find("ip route 10.1.0.0/16"), undefined);
    assert.ok(!rtx.saved.lines().some((l) => /^tunnel select [12]$/.test(l)));
    // What the engine keeps in state and hands the next update carries no secret.
    for (const marker of SECRET_MARKERS) {
      for (const run of [createRun, updateRun]) {
        assert.ok(!run.stdout.includes(marker), "a secret in the stdout kept in state");
        assert.ok(!run.stderr.includes(marker), "a secret in the logged stderr");
      }
    }

    // An update with nothing new (say a changed password) reads the router and sends nothing.
    const againRun = await runStep(news, String(news.update), updateRun.stdout);
    assert.deepStrictEqual(summaryOf(againRun).sent, []);

    // Delete runs with the state's inputs: the new list, which is what the router holds.
    const removed = summaryOf(await runStep(news, String(news.delete), againRun.stdout));
    assert.strictEqual(removed.action, "remove");
    assert.ok(!rtx.saved.lines().some((l) => /^tunnel select [34]$/.test(l)));
    assert.strictEqual(rtx.saved.find("ip keepalive"), undefined);
    assert.strictEqual(rtx.saved.find("ip route 10.0."), undefined);
    assert.strictEqual(rtx.saved.find("ipv6 filter 101035"), undefined);
    assert.strictEqual(
      rtx.saved.find("ipv6 lan2 secure filter in"),
      "ipv6 lan2 secure filter in 101000 101001 101099 dynamic 101080",
    );
    assert.ok(rtx.saved.has("ipsec tunnel 105", { kind: "tunnel", id: "5" }));
  });

  it("the preflight plans read-only before the push, and passes again once our lines are there", async () => {
    const fresh = new FakeRtx({
      config: USER_CONFIG,
      password: TEST_SECRETS.rtxPassword,
      adminPassword: TEST_SECRETS.rtxAdminPassword,
    });
    const port = await fresh.start();
    try {
      const edit = pointAtFake(fresh, port, ["10.0.0.0/16"], [1, 2]);
      const c = await capture("rtx-preflight", { stackFile: STACKS.isatap, edit });
      const [plan, push] = [preflightOf(c).inputs, pushOf(c).inputs];
      const before = fresh.running.lines().join("\n");
      const first = await runStep(plan, String(plan.create));
      assert.strictEqual(first.code, 0, first.stderr);
      assert.match(first.stdout, /would add:/);
      assert.strictEqual(fresh.running.lines().join("\n"), before, "the plan changed the router");
      assert.strictEqual(fresh.saves, 0);
      const applied = await runStep(push, String(push.create));
      assert.strictEqual(applied.code, 0, applied.stderr);
      // A later `pulumi up` with a changed keepalive count: the plan's own last list vouches for
      // the lines the last run put there, so only foreign lines are conflicts.
      const changed = String(plan.stdin).replace(/icmp-echo 1 3 /g, "icmp-echo 1 4 ");
      const again = await runStep({ ...plan, stdin: changed }, String(plan.update), first.stdout);
      assert.strictEqual(again.code, 0, again.stderr);
      assert.match(again.stdout, /would replace: "ip keepalive 1 icmp-echo 1 3 /);
      const blind = await runStep({ ...plan, stdin: changed }, String(plan.update));
      assert.strictEqual(blind.code, 1, "without the previous list our old keepalive is foreign");
      assert.match(blind.stderr, /^rtx plan: rtx\.keepaliveIds: /m);
      for (const run of [first, again, blind]) {
        for (const marker of SECRET_MARKERS)
          assert.ok(!`${run.stdout}${run.stderr}`.includes(marker));
      }
    } finally {
      await fresh.stop();
    }
  });
});
