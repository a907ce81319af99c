import * as assert from "assert";
import { generateKeyPairSync } from "crypto";
import { parse } from "yaml";
import { ingressSpecs } from "../../components/gatewaySecurity";
import { gatewayRouteTableIds } from "../../components/vpcEndpoints";
import { al2023NamePattern, pickArchitecture } from "../../components/lib/ami";
import { HOST_KEY_DROP_IN, renderGatewayCloudInit } from "../../components/lib/cloudInit";
import { gatewayRoutePolicy, routeTableArn } from "../../components/lib/iamPolicy";
import { publicKeyFromPrivate } from "../../components/lib/loginKey";
import { cidrSlug } from "../../components/lib/naming";
import { quote } from "../../src/gateway/shell";
import { execFileSync } from "child_process";
import { inComponent } from "../../components/lib/resourceError";
import * as pulumi from "@pulumi/pulumi";
import { newOpenSshEd25519 } from "./support/keys";

describe("component libraries", () => {
  describe("gatewayRouteTableIds (the S3 endpoint's tables)", () => {
    it("takes each subnet's explicit table, else the main table, each once", () => {
      assert.deepStrictEqual(gatewayRouteTableIds([["rtb-a"], []], "rtb-main"), [
        "rtb-a",
        "rtb-main",
      ]);
      assert.deepStrictEqual(gatewayRouteTableIds([[], []], "rtb-main"), ["rtb-main"]);
      assert.deepStrictEqual(gatewayRouteTableIds([["rtb-a"], ["rtb-a"]], "rtb-main"), ["rtb-a"]);
    });
  });

  describe("publicKeyFromPrivate", () => {
    it("derives the authorized_keys line of an OpenSSH Ed25519 key", () => {
      const key = newOpenSshEd25519("test");
      assert.strictEqual(publicKeyFromPrivate(key.privateKey), key.publicKey);
    });

    it("reads PKCS#1 RSA and PKCS#8 Ed25519/RSA PEM keys, agreeing with each other", () => {
      const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
      const pkcs1 = publicKeyFromPrivate(rsa.export({ type: "pkcs1", format: "pem" }) as string);
      const pkcs8 = publicKeyFromPrivate(rsa.export({ type: "pkcs8", format: "pem" }) as string);
      assert.match(pkcs1, /^ssh-rsa AAAAB3NzaC1yc2E/);
      assert.strictEqual(pkcs8, pkcs1);
      const ed = generateKeyPairSync("ed25519").privateKey;
      const x = (ed.export({ format: "jwk" }) as { x: string }).x;
      const line = publicKeyFromPrivate(ed.export({ type: "pkcs8", format: "pem" }) as string);
      const blob = Buffer.from(line.split(" ")[1], "base64");
      assert.ok(line.startsWith("ssh-ed25519 "));
      assert.deepStrictEqual(blob.subarray(-32), Buffer.from(x, "base64url"));
    });

    it("rejects what it cannot read without echoing any of it", () => {
      const secret = "sekret-not-a-key-Zz9";
      assert.throws(
        () => publicKeyFromPrivate(secret),
        (error: Error) =>
          error.message.includes("gatewaySshPrivateKey") && !error.message.includes(secret),
      );
      const publicOnly = newOpenSshEd25519("x").publicKey;
      assert.throws(() => publicKeyFromPrivate(publicOnly), /cannot derive/);
    });
  });

  describe("IAM policy", () => {
    const scope = { partition: "aws-cn", region: "cn-north-1", accountId: "210987654321" };

    it("builds route-table ARNs for the partition, region and account", () => {
      assert.strictEqual(
        routeTableArn(scope, "rtb-0aaa"),
        "arn:aws-cn:ec2:cn-north-1:210987654321:route-table/rtb-0aaa",
      );
    });

    it("refuses to build a policy with no managed table (it would scope nothing)", () => {
      assert.throws(() => gatewayRoutePolicy(scope, []), /no managed route tables/);
    });
  });

  describe("AMI selection", () => {
    it("prefers arm64, falls back to x86_64, refuses anything else", () => {
      assert.strictEqual(pickArchitecture("t4g.nano", ["arm64"]), "arm64");
      assert.strictEqual(pickArchitecture("t3.micro", ["i386", "x86_64"]), "x86_64");
      assert.throws(
        () => pickArchitecture("mac1.metal", ["x86_64_mac"]),
        /gateway\.instanceType: mac1\.metal/,
      );
    });

    const amiPattern = (kernel: "6.1" | "6.12") =>
      new RegExp(
        `^${al2023NamePattern("arm64", kernel).replace(/\./g, "\\.").replace(/\*/g, ".*")}$`,
      );

    it("matches standard AL2023 image names and not the minimal ones", () => {
      const pattern = amiPattern("6.1");
      assert.ok(pattern.test("al2023-ami-2023.6.20241010.0-kernel-6.1-arm64"));
      assert.ok(!pattern.test("al2023-ami-minimal-2023.6.20241010.0-kernel-6.1-arm64"));
      assert.ok(!pattern.test("al2023-ami-2023.6.20241010.0-kernel-6.1-x86_64"));
    });

    it("stays on the configured kernel stream: 6.1 never picks a 6.12 image, nor the reverse", () => {
      assert.ok(!amiPattern("6.1").test("al2023-ami-2023.9.20251208.0-kernel-6.12-arm64"));
      assert.ok(amiPattern("6.12").test("al2023-ami-2023.9.20251208.0-kernel-6.12-arm64"));
      assert.ok(!amiPattern("6.12").test("al2023-ami-2023.9.20251208.0-kernel-6.1-arm64"));
    });
  });

  describe("security group rules", () => {
    const base = {
      site: "s",
      vpcId: "vpc-1",
      rtxIpv6Address: "2001:db8::2",
      sshAllowedCidrs: ["10.0.0.0/16", "2001:db8:5::/48"],
      vpcCidrs: ["10.0.0.0/16"],
    };

    it("needs the ISATAP router in isatap mode", () => {
      assert.throws(() => ingressSpecs({ ...base, mode: "isatap" }), /isatapRouter/);
    });

    it("keys rules uniquely, IPv6 SSH sources included", () => {
      const specs = ingressSpecs({ ...base, mode: "native" });
      assert.deepStrictEqual(
        specs.map((s) => s.key),
        ["ipip6", "vrrp", "ssh-10.0.0.0-16", "ssh-2001.db8.5..-48", "vpc-10.0.0.0-16"],
      );
      assert.strictEqual(cidrSlug("2001:db8::/32"), "2001.db8..-32");
    });
  });

  describe("cloud-init user data", () => {
    const input = {
      sshUser: "ec2-user",
      loginPublicKey: "ssh-ed25519 AAAAlogin",
      hostPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----",
      hostPublicKey: "ssh-ed25519 AAAAhost\n",
    };

    it("installs the host key pair, restricts sshd to it, and authorizes the login key", () => {
      const text = renderGatewayCloudInit(input);
      assert.ok(text.startsWith("#cloud-config\n"));
      const doc = parse(text);
      assert.strictEqual(doc.ssh_deletekeys, true);
      assert.deepStrictEqual(doc.ssh_keys, {
        ed25519_private: `${input.hostPrivateKey}\n`,
        ed25519_public: "ssh-ed25519 AAAAhost",
      });
      assert.strictEqual(doc.write_files[0].path, HOST_KEY_DROP_IN);
      assert.match(doc.write_files[0].content, /^HostKey \/etc\/ssh\/ssh_host_ed25519_key$/m);
      assert.deepStrictEqual(doc.ssh_authorized_keys, ["ssh-ed25519 AAAAlogin"]);
      assert.strictEqual(doc.users, undefined);
    });

    it("creates a non-default login user with sudo", () => {
      const doc = parse(renderGatewayCloudInit({ ...input, sshUser: "netops" }));
      assert.strictEqual(doc.users[0], "default");
      assert.strictEqual(doc.users[1].name, "netops");
      assert.deepStrictEqual(doc.users[1].ssh_authorized_keys, ["ssh-ed25519 AAAAlogin"]);
      assert.strictEqual(doc.ssh_authorized_keys, undefined);
    });
  });

  it("quotes shell arguments so a host key stays one argument", () => {
    assert.strictEqual(quote("ssh-ed25519 AAAA x"), "'ssh-ed25519 AAAA x'");
    for (const value of ["ssh-ed25519 AAAA x", "it's", 'a"b $HOME `x`', "192.168.10.1"]) {
      const args = execFileSync(
        "bash",
        ["-c", `printf '%s\\n' ${quote(value)} | wc -l; printf %s ${quote(value)}`],
        {
          encoding: "utf8",
        },
      );
      assert.strictEqual(args, `1\n${value}`, value);
    }
  });

  it("turns a failing step of a component into a ResourceError that names the component", () => {
    const owner = {
      urn: pulumi.output("urn:pulumi:test::p::t::owner"),
    } as unknown as pulumi.Resource;
    assert.strictEqual(
      inComponent(owner, () => 42),
      42,
    );
    assert.throws(
      () =>
        inComponent(owner, () => {
          throw new Error("GatewaySecurity: isatap mode needs isatapRouter");
        }),
      (e: Error) => e instanceof pulumi.ResourceError && /needs isatapRouter/.test(e.message),
    );
  });
});
