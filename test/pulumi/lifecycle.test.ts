/**
 * What a later `pulumi up` does to the gateways, as far as the declared program shows it
 * (docs/lifecycle.md has the engine's and the providers' side, with sources).
 */
import * as assert from "assert";
import { renderReleaseScript } from "../../src/gateway/release-script";
import { DIAL_ATTEMPTS, PER_DIAL_TIMEOUT_S, dialPatienceS } from "../../components/lib/ssh";
import { Capture } from "./support/capture";
import { fakeAmiId } from "./support/fixtures";
import { STACKS, capture, named, ofType, secretValue, waitsFor } from "./support/query";
import { RawConfig, runProgram } from "./support/run-program";

const INSTANCE = "aws:ec2/instance:Instance";
const gatewayOptions = (config: RawConfig) =>
  config["vpc-ipip6-gateway:gateway"] as Record<string, unknown>;

/**
 * Every input the program declares on an instance, and what a change of it does to a running
 * instance in provider v7 (docs/lifecycle.md, "What each instance input does"): "replace" gives a
 * new instance id, "restart" stops and starts it in place, "none" changes it without a restart.
 */
const INSTANCE_INPUT_EFFECTS: Record<string, "replace" | "restart" | "none"> = {
  ami: "replace",
  primaryNetworkInterface: "replace",
  userData: "replace",
  userDataReplaceOnChange: "none",
  instanceType: "restart",
  iamInstanceProfile: "none",
  metadataOptions: "none",
  tags: "none",
};

describe("pulumi program: the second `pulumi up`", function () {
  this.timeout(120000);
  let c: Capture;

  before(async () => {
    c = await capture("isatap", { stackFile: STACKS.isatap });
  });

  it("classifies every declared instance input; each that restarts in place re-runs the health gate", () => {
    for (const name of ["osaka-gw-a", "osaka-gw-b"]) {
      const instance = named(c, `${name}-instance`);
      for (const input of Object.keys(instance.inputs))
        assert.ok(input in INSTANCE_INPUT_EFFECTS, `${input}: what does a change of it do?`);
      const gate = named(c, `${name}-health-wait`);
      const triggers = gate.inputs.triggers as string[];
      // A replacement is a new id; an in-place restart must be a trigger of its own.
      assert.strictEqual(triggers[0], instance.id);
      for (const [input, effect] of Object.entries(INSTANCE_INPUT_EFFECTS))
        if (effect === "restart")
          assert.ok(triggers.includes(String(instance.inputs[input])), `${input} restarts`);
    }
    // user data replaces rather than restarts (it would restart both gateways' keepalived
    // without re-running the gate, and cloud-init would not apply it).
    assert.strictEqual(named(c, "osaka-gw-b-instance").inputs.userDataReplaceOnChange, true);
  });

  it("gw-a's instance, ENI and host key wait for gw-b's health gate: no change reaches gw-a first", () => {
    const gateB = named(c, "osaka-gw-b-health-wait").urn;
    for (const r of ["osaka-gw-a-instance", "osaka-gw-a-eni", "osaka-gw-a-host-key"])
      assert.ok(named(c, r).dependencies.includes(gateB), r);
  });

  it("on destroy, each gateway's route mover stops before the routes go; nothing dials on create or replace", () => {
    const routes = ofType(c, "aws:ec2/route:Route");
    assert.ok(routes.length > 0);
    for (const gw of ["gw-a", "gw-b"]) {
      const release = named(c, `osaka-${gw}-release-stop-movers`);
      assert.strictEqual(release.inputs.create, undefined, "dials at create");
      assert.strictEqual(release.inputs.update, undefined);
      assert.strictEqual(release.inputs.triggers, undefined, "replaced with its instance");
      assert.strictEqual(release.inputs.delete, "sudo bash -s");
      assert.strictEqual(release.inputs.stdin, renderReleaseScript());
      const connection = secretValue(release.inputs.connection) as Record<string, unknown>;
      const push = secretValue(named(c, `osaka-${gw}-config-push`).inputs.connection);
      assert.deepStrictEqual(connection, push, "reaches the gateway as its push does");
      // Deleted while its gateway is still there: before its instance.
      assert.ok(waitsFor(c, release).has(named(c, `osaka-${gw}-instance`).urn), "instance first");
      // Dependents are deleted first: the release depends on every route, no route on it.
      for (const r of routes) {
        assert.ok(waitsFor(c, release).has(r.urn), `release of ${gw} before ${r.name}`);
        assert.ok(!waitsFor(c, r).has(release.urn));
      }
    }
  });

  it("gives up on a gateway that answers nothing within 6 minutes, and waits over a minute on refusals", () => {
    for (const name of ["osaka-gw-a-config-push", "osaka-gw-b-health-wait"]) {
      const connection = secretValue(named(c, name).inputs.connection) as Record<string, unknown>;
      assert.strictEqual(connection.dialErrorLimit, DIAL_ATTEMPTS);
      assert.strictEqual(connection.perDialTimeout, PER_DIAL_TIMEOUT_S);
    }
    const dropped = dialPatienceS(DIAL_ATTEMPTS, PER_DIAL_TIMEOUT_S, true);
    const refused = dialPatienceS(DIAL_ATTEMPTS, PER_DIAL_TIMEOUT_S, false);
    assert.ok(dropped > 300 && dropped < 360, `${dropped} s dropped`);
    assert.ok(refused > 60 && refused < 120, `${refused} s refused`);
    // The former 60 x 15 s: about 20 minutes on a dropped host.
    assert.ok(dialPatienceS(60, 15, true) > 19 * 60);
  });

  it("an instance type of another architecture with the default lookup changes the image (a replacement)", async () => {
    const x86 = await capture("isatap-t3", {
      stackFile: STACKS.isatap,
      edit: (config) => void (gatewayOptions(config).instanceType = "t3.micro"),
    });
    for (const i of ofType(c, INSTANCE)) assert.strictEqual(i.inputs.ami, fakeAmiId("arm64"));
    for (const i of ofType(x86, INSTANCE)) {
      assert.strictEqual(i.inputs.ami, fakeAmiId("x86_64"));
      assert.ok(!i.ignoreChanges.includes("ami"), "the new image would be taken from state");
    }
  });

  it("refuses a pinned gateway.amiId of the wrong architecture at preview, before any instance is declared", async () => {
    const failed = await runProgram({
      stackFile: STACKS.isatap,
      timeoutMs: 5000,
      edit: (config) =>
        void Object.assign(gatewayOptions(config), {
          amiId: "ami-0123456789abcdef0",
          instanceType: "t3.micro",
        }),
    }).then(
      () => assert.fail("the program accepted an arm64 image on t3.micro"),
      (error: Error & { capture?: Capture }) => error,
    );
    assert.match(failed.message, /gateway\.amiId ami-0123456789abcdef0 is an arm64 image/);
    assert.match(failed.message, /gateway\.instanceType t3\.micro runs i386, x86_64 images/);
    assert.ok(failed.capture, "no capture of the failed run");
    assert.deepStrictEqual(ofType(failed.capture, INSTANCE), []);
    assert.ok(failed.capture.resources.length > 0, "the refusal came before anything at all");
  });

  it("accepts a pinned gateway.amiId of the instance type's architecture", async () => {
    const pinned = await capture("isatap-pinned-x86", {
      stackFile: STACKS.isatap,
      edit: (config) =>
        void Object.assign(gatewayOptions(config), {
          amiId: "ami-0fedcba9876543210",
          instanceType: "t3.micro",
        }),
    });
    for (const i of ofType(pinned, INSTANCE))
      assert.strictEqual(i.inputs.ami, "ami-0fedcba9876543210");
    assert.strictEqual(pinned.exports.amiId.value, "ami-0fedcba9876543210");
  });
});
