import * as assert from "assert";
import { Capture } from "./support/capture";
import { fakeAmiId } from "./support/fixtures";
import { STACKS, capture, named, secretValue } from "./support/query";
import { RawConfig } from "./support/run-program";
import { newOpenSshEd25519 } from "./support/keys";
import { LOGIN_KEY, TEST_SECRETS } from "./support/secrets";

/** The jump host's own host key, unrelated to every gateway's and to the login key. */
const BASTION_HOST_KEY = newOpenSshEd25519("bastion host key").publicKey;
const BASTION = {
  host: "bastion.example.net",
  user: "jump",
  port: 2222,
  hostKey: BASTION_HOST_KEY,
};

function gatewayOptions(config: RawConfig): Record<string, unknown> {
  return config["vpc-ipip6-gateway:gateway"] as Record<string, unknown>;
}

describe("pulumi program: bastion, explicit AMI, custom login user", function () {
  this.timeout(120000);
  let c: Capture;

  before(async () => {
    c = await capture("isatap-bastion", {
      stackFile: STACKS.isatap,
      edit: (config) => {
        Object.assign(gatewayOptions(config), {
          bastion: BASTION,
          amiId: "ami-0123456789abcdef0",
          sshUser: "netops",
        });
      },
    });
  });

  it("connects through the bastion with the same key, pinning both the bastion's and the gateway's host keys", () => {
    for (const gw of ["gw-a", "gw-b"]) {
      const connection = secretValue(
        named(c, `osaka-${gw}-config-push`).inputs.connection,
      ) as Record<string, unknown>;
      const proxy = connection.proxy as Record<string, unknown>;
      assert.deepStrictEqual(
        [proxy.host, proxy.port, proxy.user],
        [BASTION.host, BASTION.port, BASTION.user],
      );
      assert.strictEqual(proxy.privateKey, TEST_SECRETS.gatewaySshPrivateKey);
      assert.strictEqual(proxy.hostKey, BASTION_HOST_KEY, "the bastion's host key is not pinned");
      assert.strictEqual(connection.user, "netops");
      assert.ok(String(connection.hostKey).startsWith("ssh-ed25519 "));
      assert.notStrictEqual(connection.hostKey, BASTION_HOST_KEY);
    }
    assert.strictEqual(
      c.exports.bastionKnownHost.value,
      `[bastion.example.net]:2222 ${BASTION_HOST_KEY}`,
    );
    assert.deepStrictEqual(c.exports.sshCommands.value, [
      "ssh -i <gatewaySshPrivateKey file> -J jump@bastion.example.net:2222 netops@10.0.1.10",
      "ssh -i <gatewaySshPrivateKey file> -J jump@bastion.example.net:2222 netops@10.0.2.10",
    ]);
  });

  it("boots the explicit AMI once DescribeImages says it runs on the instance type, without a lookup by name", () => {
    assert.strictEqual(named(c, "osaka-gw-a-instance").inputs.ami, "ami-0123456789abcdef0");
    const byName = c.invokes.filter((i) =>
      ((i.inputs.filters ?? []) as { name: string }[]).some((f) => f.name === "name"),
    );
    assert.deepStrictEqual(byName, []);
    const byId = c.invokes.filter((i) => i.token === "aws:ec2/getAmi:getAmi");
    assert.deepStrictEqual(byId[0]?.inputs.filters, [
      { name: "image-id", values: ["ami-0123456789abcdef0"] },
    ]);
  });

  it("creates the custom login user with the derived key and passwordless sudo", () => {
    const userData = String(secretValue(named(c, "osaka-gw-a-instance").inputs.userData));
    assert.ok(userData.includes("  - name: netops\n"), userData);
    assert.ok(userData.includes(`ssh_authorized_keys:\n      - ${LOGIN_KEY.publicKey}`), userData);
    assert.ok(userData.includes("sudo: ALL=(ALL) NOPASSWD:ALL"));
  });
});

describe("pulumi program: an x86_64 instance type", function () {
  this.timeout(120000);

  it("looks up the x86_64 Amazon Linux 2023 image", async () => {
    const c = await capture("isatap-t3", {
      stackFile: STACKS.isatap,
      edit: (config) => {
        gatewayOptions(config).instanceType = "t3.micro";
      },
    });
    const ami = c.invokes.find((i) => i.token === "aws:ec2/getAmi:getAmi");
    const filters = ami?.inputs.filters as { name: string; values: string[] }[];
    assert.deepStrictEqual(filters.find((f) => f.name === "architecture")?.values, ["x86_64"]);
    assert.strictEqual(named(c, "osaka-gw-b-instance").inputs.ami, fakeAmiId("x86_64"));
  });
});
