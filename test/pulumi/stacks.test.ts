import * as assert from "assert";
import { ROUTE_TARGET_FIELDS } from "../../components/failoverRoutes";
import { bundleCommand } from "../../components/lib/configBundle";
import { PREVIOUS_OUTPUT_ENV, rtxCommandLine } from "../../components/rtxConfiguration";
import { rtxPlanCommandLine } from "../../components/rtxPreflight";
import { StackConfig } from "../../src/config/types";
import { gatewayContext } from "../../src/gateway/context";
import { RenderedSite } from "../../src/render/types";
import { Capture } from "./support/capture";
import { TEST_ACCOUNT, fakeAmiId, fakeHostKey } from "./support/fixtures";
import {
  STACKS,
  capture,
  expectedFor,
  heredocs,
  named,
  ofType,
  parentOf,
  secretValue,
  strings,
  waitsFor,
} from "./support/query";
import { REPO_ROOT } from "./support/run-program";
import { LOGIN_KEY, SECRET_MARKERS, TEST_SECRETS } from "./support/secrets";

const PREFIX = "vpc-ipip6-gateway:aws:";
const T = {
  instance: "aws:ec2/instance:Instance",
  eni: "aws:ec2/networkInterface:NetworkInterface",
  route: "aws:ec2/route:Route",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  remote: "command:remote:Command",
  local: "command:local:Command",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
};

for (const mode of ["isatap", "native"] as const) {
  describe(`pulumi program, example-${mode} stack`, function () {
    this.timeout(120000);
    let c: Capture;
    let config: StackConfig;
    let rendered: RenderedSite;
    const site = () => config.site.name;
    const gwName = (i: number) => `${site()}-${rendered.gateways[i].name}`;

    before(async () => {
      c = await capture(mode, { stackFile: STACKS[mode] });
      ({ config, rendered } = expectedFor(STACKS[mode]));
    });

    it("checks the router first, read-only: every other resource waits for `rtx plan`", () => {
      const plan = named(c, `${site()}-rtx-preflight-plan`);
      assert.strictEqual(parentOf(c, plan)?.type, `${PREFIX}RtxPreflight`);
      assert.strictEqual(plan.inputs.create, rtxPlanCommandLine(config.rtx));
      assert.match(String(plan.inputs.create), /^npm run --silent rtx -- plan --host /);
      assert.strictEqual(
        plan.inputs.update,
        rtxPlanCommandLine(config.rtx, { previousEnv: PREVIOUS_OUTPUT_ENV }),
      );
      assert.strictEqual(plan.inputs.delete, undefined, "nothing to undo: it changes nothing");
      assert.strictEqual(plan.inputs.stdin, `${rendered.rtx.commands.join("\n")}\n`);
      assert.strictEqual(plan.inputs.addPreviousOutputInEnv, true);
      assert.deepStrictEqual(secretValue(plan.inputs.environment), {
        RTX_PASSWORD: TEST_SECRETS.rtxPassword,
        RTX_ADMIN_PASSWORD: TEST_SECRETS.rtxAdminPassword,
      });
      const others = c.resources.filter((r) => r.custom && r.urn !== plan.urn);
      assert.ok(others.some((r) => r.type.startsWith("aws:")));
      for (const r of others) assert.ok(waitsFor(c, r).has(plan.urn), `${r.name} does not wait`);
    });

    it("gives every resource a unique name and URN (the engine rejects duplicates)", () => {
      const names = c.resources.map((r) => r.name);
      assert.deepStrictEqual(
        names.filter((n, i) => names.indexOf(n) !== i),
        [],
      );
      const urns = c.resources.map((r) => r.urn);
      assert.ok(urns.every((u) => u.startsWith("urn:pulumi:")));
      assert.strictEqual(new Set(urns).size, urns.length);
    });

    it("parents every provider resource under a project component named as its prefix", () => {
      for (const r of c.resources.filter((x) => x.custom)) {
        const parent = parentOf(c, r);
        assert.ok(parent, `${r.name} has no component parent`);
        assert.ok(parent.type.startsWith(PREFIX), `${r.name}'s parent is ${parent.type}`);
        assert.ok(
          r.name.startsWith(`${parent.name}-`),
          `${r.name} is not named from ${parent.name}`,
        );
      }
      const chain = (type: string) =>
        ofType(c, `${PREFIX}${type}`).map((r) => parentOf(c, r)?.type ?? "(stack)");
      assert.deepStrictEqual(chain("GatewayInstance"), [
        `${PREFIX}GatewayPair`,
        `${PREFIX}GatewayPair`,
      ]);
      assert.deepStrictEqual(chain("GatewaySecurity"), [`${PREFIX}GatewayPair`]);
      assert.deepStrictEqual(chain("GatewayRole"), [`${PREFIX}GatewayPair`]);
      assert.deepStrictEqual(chain("GatewayPair"), ["(stack)"]);
      assert.strictEqual(
        parentOf(c, named(c, `${site()}-rtx-push`))?.type,
        `${PREFIX}RtxConfiguration`,
      );
      assert.ok(
        ofType(c, T.remote).every((r) =>
          [
            `${PREFIX}GatewayConfiguration`,
            `${PREFIX}GatewayHealthGate`,
            `${PREFIX}RouteRelease`,
          ].includes(parentOf(c, r)?.type ?? ""),
        ),
      );
      assert.ok(
        ofType(c, T.route).every((r) => parentOf(c, r)?.type === `${PREFIX}FailoverRoutes`),
      );
    });

    it("registers outputs for every component", () => {
      const components = c.resources.filter((r) => !r.custom);
      assert.ok(components.length >= 8);
      for (const r of components)
        assert.ok(c.registeredOutputs.includes(r.urn), `${r.name} never called registerOutputs`);
    });

    it("boots each gateway on its own ENI with IMDSv2 required; user data replaces, sourceDestCheck is ignored, the image is not", () => {
      for (const i of [0, 1]) {
        const instance = named(c, `${gwName(i)}-instance`);
        const eni = named(c, `${gwName(i)}-eni`);
        assert.deepStrictEqual(instance.inputs.metadataOptions, {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
        });
        assert.deepStrictEqual(instance.inputs.primaryNetworkInterface, {
          networkInterfaceId: eni.id,
        });
        // docs/lifecycle.md: an ignored `ami` would be taken from state even for a replacement.
        assert.deepStrictEqual(instance.ignoreChanges, ["sourceDestCheck"]);
        assert.strictEqual(instance.inputs.userDataReplaceOnChange, true);
        assert.strictEqual(instance.inputs.sourceDestCheck, undefined, "ConflictsWith the ENI");
        assert.strictEqual(instance.inputs.instanceType, config.gateway.instanceType);
        assert.strictEqual(
          instance.inputs.iamInstanceProfile,
          named(c, `${site()}-iam-profile`).inputs.name ?? `${site()}-iam-profile`,
        );
        assert.strictEqual(
          instance.deleteBeforeReplace,
          true,
          "a primary ENI cannot be attached to two instances",
        );
      }
    });

    it("pins the ENIs' addresses in the gateways' subnets, source/dest check off", () => {
      const groupId = named(c, `${site()}-security-sg`).id;
      for (const i of [0, 1]) {
        const eni = named(c, `${gwName(i)}-eni`);
        assert.strictEqual(eni.inputs.subnetId, config.gateways[i].subnetId);
        assert.deepStrictEqual(eni.inputs.privateIps, [config.gateways[i].privateIp]);
        const v6 = mode === "native" ? [config.gateways[i].ipv6Address] : undefined;
        assert.deepStrictEqual(eni.inputs.ipv6Addresses, v6);
        assert.strictEqual(eni.inputs.sourceDestCheck, false);
        assert.deepStrictEqual(eni.inputs.securityGroups, [groupId]);
        assert.strictEqual(eni.deleteBeforeReplace, true, "a pinned address cannot be held twice");
      }
    });

    it("boots the latest Amazon Linux 2023 for the instance type's architecture", () => {
      const typeCalls = c.invokes.filter(
        (i) => i.token === "aws:ec2/getInstanceType:getInstanceType",
      );
      assert.deepStrictEqual(
        typeCalls.map((i) => i.inputs.instanceType),
        [config.gateway.instanceType],
      );
      const ami = c.invokes.filter((i) => i.token === "aws:ec2/getAmi:getAmi");
      assert.strictEqual(ami.length, 1);
      assert.deepStrictEqual(ami[0].inputs.owners, ["amazon"]);
      assert.strictEqual(ami[0].inputs.mostRecent, true);
      const filters = ami[0].inputs.filters as { name: string; values: string[] }[];
      assert.deepStrictEqual(filters.find((f) => f.name === "architecture")?.values, ["arm64"]);
      assert.deepStrictEqual(filters.find((f) => f.name === "name")?.values, [
        "al2023-ami-2023.*-kernel-6.1-arm64",
      ]);
      // Never a release known to ship a bad kernel (src/gateway/known-bad-kernels.ts).
      const nameRegex = new RegExp(String(ami[0].inputs.nameRegex));
      assert.ok(!nameRegex.test("al2023-ami-2023.10.20260302.0-kernel-6.1-arm64"));
      assert.ok(nameRegex.test("al2023-ami-2023.10.20260309.0-kernel-6.1-arm64"));
      for (const i of [0, 1])
        assert.strictEqual(named(c, `${gwName(i)}-instance`).inputs.ami, fakeAmiId("arm64"));
    });

    it("lets the gateways write routes only in the managed route tables, by ARN", () => {
      const policy = JSON.parse(named(c, `${site()}-iam-routes`).inputs.policy as string) as {
        Statement: { Effect: string; Action: string[]; Resource: string | string[] }[];
      };
      const arns = config.vpc.routeTableIds.map(
        (id) => `arn:aws:ec2:ap-northeast-1:${TEST_ACCOUNT}:route-table/${id}`,
      );
      const writes = policy.Statement.filter((s) => s.Action.some((a) => /Replace|Create/.test(a)));
      assert.strictEqual(writes.length, 1);
      assert.deepStrictEqual([...writes[0].Action].sort(), ["ec2:CreateRoute", "ec2:ReplaceRoute"]);
      assert.deepStrictEqual(writes[0].Resource, arns);
      for (const s of policy.Statement) {
        assert.strictEqual(s.Effect, "Allow");
        if (s.Resource === "*")
          assert.ok(
            s.Action.every((a) => a.startsWith("ec2:Describe")),
            `${s.Action} on *`,
          );
      }
      const trust = JSON.parse(named(c, `${site()}-iam-role`).inputs.assumeRolePolicy as string);
      assert.deepStrictEqual(trust.Statement[0].Principal, { Service: "ec2.amazonaws.com" });
    });

    it("opens the gateways' security group exactly as docs/pulumi.md lists, nothing to the world", () => {
      const groupId = named(c, `${site()}-security-sg`).id;
      const rules = ofType(c, T.ingress).filter((r) => r.inputs.securityGroupId === groupId);
      const describe = (r: (typeof rules)[number]) =>
        [
          r.inputs.ipProtocol,
          r.inputs.fromPort ?? "",
          r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6 ?? `sg:${r.inputs.referencedSecurityGroupId}`,
        ].join(" ");
      const tunnel =
        mode === "isatap"
          ? `41  ${config.ipv6.isatapRouter}/32`
          : `4  ${config.rtx.ipv6Address}/128`;
      const expected = [
        tunnel,
        `112  sg:${groupId}`,
        ...config.gateway.sshAllowedCidrs.map((cidr) => `tcp 22 ${cidr}`),
        ...config.vpc.cidrs.map((cidr) => `-1  ${cidr}`),
      ];
      assert.deepStrictEqual(rules.map(describe).sort(), expected.sort());
      for (const r of ofType(c, T.ingress)) {
        assert.ok(
          !["0.0.0.0/0", "::/0"].includes(String(r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6)),
          `${r.name} is open to the world`,
        );
      }
      const ssh = rules.find((r) => r.inputs.ipProtocol === "tcp");
      assert.strictEqual(ssh?.inputs.toPort, 22);
    });

    it("injects a generated host key per gateway with cloud-init and pins it in the push", () => {
      for (const i of [0, 1]) {
        const hostKey = fakeHostKey(`${gwName(i)}-host-key`);
        const userData = String(secretValue(named(c, `${gwName(i)}-instance`).inputs.userData));
        assert.ok(userData.startsWith("#cloud-config\n"));
        assert.ok(
          userData.includes(hostKey.privateKeyOpenssh.trim().split("\n")[1]),
          "host private key missing",
        );
        assert.ok(userData.includes(`ed25519_public: ${hostKey.publicKeyOpenssh.trim()}`));
        const other = fakeHostKey(`${gwName(1 - i)}-host-key`).privateKeyOpenssh.split("\n")[1];
        assert.ok(!userData.includes(other), "a gateway got its peer's host key");
        const connection = secretValue(
          named(c, `${gwName(i)}-config-push`).inputs.connection,
        ) as Record<string, unknown>;
        assert.strictEqual(connection.hostKey, hostKey.publicKeyOpenssh.trim());
        assert.strictEqual(named(c, `${gwName(i)}-host-key`).inputs.algorithm, "ED25519");
      }
    });

    it("installs the login key's public half for sshUser, computed from gatewaySshPrivateKey", () => {
      for (const i of [0, 1]) {
        const userData = String(secretValue(named(c, `${gwName(i)}-instance`).inputs.userData));
        assert.ok(
          userData.includes(`ssh_authorized_keys:\n  - ${LOGIN_KEY.publicKey}\n`),
          userData,
        );
      }
    });

    it("routes every managed table x site CIDR to the standby's (gateway 1's) ENI, every target ignored", () => {
      const routes = ofType(c, T.route);
      // The gateway configured first; its configuration waits for the routes, so they cannot
      // wait for gateway 0, whose ENI waits for gateway 1's health gate.
      const eni1 = named(c, `${gwName(1)}-eni`).id;
      const expected = config.vpc.routeTableIds.flatMap((t) =>
        config.site.cidrs.map((d) => `${t} ${d}`),
      );
      assert.deepStrictEqual(
        routes.map((r) => `${r.inputs.routeTableId} ${r.inputs.destinationCidrBlock}`).sort(),
        expected.sort(),
      );
      for (const r of routes) {
        assert.deepStrictEqual(r.inputs, {
          routeTableId: r.inputs.routeTableId,
          destinationCidrBlock: r.inputs.destinationCidrBlock,
          networkInterfaceId: eni1,
        });
        assert.deepStrictEqual([...r.ignoreChanges].sort(), [...ROUTE_TARGET_FIELDS].sort());
        assert.ok(
          r.ignoreChanges.includes("networkInterfaceId"),
          "the failover's target is tracked",
        );
      }
      assert.deepStrictEqual(c.exports.initialRouteTarget.value, eni1);
      // Created only once the standby carries traffic: after its health gate, not after gw-a.
      const standbyGate = named(c, `${site()}-${rendered.gateways[1].name}-health-wait`);
      for (const r of routes) {
        assert.ok(waitsFor(c, r).has(standbyGate.urn), `${r.name} does not wait for the gate`);
        for (const gw0 of [`${gwName(0)}-eni`, `${gwName(0)}-instance`])
          assert.ok(!waitsFor(c, r).has(named(c, gw0).urn), `a route waits for ${gw0}`);
      }
    });

    it("pushes each gateway's rendered install/remove scripts on stdin after its instance, the instance id in stdin, no delete", () => {
      for (const i of [0, 1]) {
        const push = named(c, `${gwName(i)}-config-push`);
        const gw = rendered.gateways[i];
        assert.strictEqual(push.inputs.create, bundleCommand("install"));
        assert.strictEqual(push.inputs.update, bundleCommand("install"));
        // No delete: replacing a dead gateway or destroying must not dial it (docs/lifecycle.md).
        assert.strictEqual(push.inputs.delete, undefined);
        const bodies = heredocs(String(push.inputs.stdin));
        const withNewline = (s: string) => (s.endsWith("\n") ? s : `${s}\n`);
        assert.strictEqual(bodies["$workdir/install.sh"], withNewline(gw.installScript));
        assert.strictEqual(bodies["$workdir/remove.sh"], withNewline(gw.removeScript));
        // A new instance is an update (stdin changes), not a replacement (triggers replace).
        assert.strictEqual(push.inputs.triggers, undefined);
        const instanceId = named(c, `${gwName(i)}-instance`).id;
        assert.ok(String(push.inputs.stdin).startsWith(`#!/bin/bash\n# instance ${instanceId}\n`));
        const connection = secretValue(push.inputs.connection) as Record<string, unknown>;
        assert.strictEqual(connection.host, config.gateways[i].privateIp);
        assert.strictEqual(connection.user, config.gateway.sshUser);
        assert.strictEqual(connection.privateKey, TEST_SECRETS.gatewaySshPrivateKey);
        assert.strictEqual(connection.proxy, undefined);
        assert.strictEqual(push.inputs.addPreviousOutputInEnv, false);
        assert.ok(push.additionalSecretOutputs.includes("connection"));
        assert.strictEqual(push.deleteBeforeReplace, false);
        const component = parentOf(c, push);
        assert.ok(component);
        const deps = component.dependencies;
        assert.ok(
          deps.includes(named(c, `${gwName(i)}-instance`).urn),
          "config does not wait for its instance",
        );
        for (const route of ofType(c, T.route))
          assert.ok(!waitsFor(c, push).has(route.urn), "config waits for the routes");
      }
    });

    it("changes one gateway at a time, the standby first: gateway 0 waits for gateway 1's health gate", () => {
      const gate = (i: number) => named(c, `${site()}-${rendered.gateways[i].name}-health-wait`);
      const depsOf = (name: string) => named(c, name).dependencies;
      // Gateway 0 has the higher VRRP priority and preempts: it is the master whenever healthy,
      // so gateway 1 is the standby and goes first.
      assert.ok(gatewayContext(config, 0).vrrp.priority > gatewayContext(config, 1).vrrp.priority);
      for (const i of [0, 1]) {
        const g = gate(i);
        assert.strictEqual(g.inputs.stdin, rendered.gateways[i].healthWaitScript);
        assert.strictEqual(g.inputs.create, "sudo bash -s");
        assert.strictEqual(g.inputs.delete, undefined, "the gate undoes nothing");
        // Replaced (so run again) whenever the instance, its type or the pushed bundle changes.
        assert.deepStrictEqual(g.inputs.triggers, [
          named(c, `${gwName(i)}-instance`).id,
          config.gateway.instanceType,
          (c.exports.gateways.value as { configurationHash: string }[])[i].configurationHash,
        ]);
        assert.ok(
          g.dependencies.includes(named(c, `${gwName(i)}-config-push`).urn),
          "the gate runs after its gateway's push",
        );
      }
      const standbyGate = gate(1).urn;
      for (const r of [
        `${gwName(0)}-instance`,
        `${gwName(0)}-eni`,
        `${gwName(0)}-host-key`,
        `${gwName(0)}-config-push`,
      ])
        assert.ok(depsOf(r).includes(standbyGate), `${r} does not wait for gateway 1's gate`);
      // Nothing of the standby's step waits for the active gateway, directly or through others.
      const active = [gate(0), named(c, `${gwName(0)}-instance`), named(c, `${gwName(0)}-eni`)];
      for (const r of [
        `${gwName(1)}-instance`,
        `${gwName(1)}-eni`,
        `${gwName(1)}-host-key`,
        `${gwName(1)}-config-push`,
        `${site()}-${rendered.gateways[1].name}-health-wait`,
      ])
        for (const a of active)
          assert.ok(!waitsFor(c, named(c, r)).has(a.urn), `${r} must not wait for ${a.name}`);
      // Instances and ENIs are deleted before they are replaced (pinned addresses), one at a time.
      for (const i of [0, 1])
        assert.strictEqual(named(c, `${gwName(i)}-instance`).deleteBeforeReplace, true);
    });

    it("pushes the rendered RTX commands after the standby's configuration and before its gate, passwords as secret environment", () => {
      const push = named(c, `${site()}-rtx-push`);
      assert.strictEqual(push.name, `${site()}-rtx-push`);
      assert.strictEqual(push.inputs.create, rtxCommandLine("apply", config.rtx));
      assert.strictEqual(push.inputs.delete, rtxCommandLine("remove", config.rtx));
      assert.ok(String(push.inputs.create).includes(`--host-key '${config.rtx.hostKey}'`));
      assert.strictEqual(push.inputs.stdin, `${rendered.rtx.commands.join("\n")}\n`);
      // A changed list is an update that reads the last apply's summary, not a replacement.
      assert.strictEqual(push.inputs.triggers, undefined);
      assert.strictEqual(
        push.inputs.update,
        rtxCommandLine("apply", config.rtx, { previousEnv: PREVIOUS_OUTPUT_ENV }),
      );
      assert.ok(String(push.inputs.update).endsWith("--previous-env PULUMI_COMMAND_STDOUT"));
      assert.ok(!String(push.inputs.create).includes("--previous"));
      assert.ok(!String(push.inputs.delete).includes("--previous"));
      // The example stacks neither adopt nor name a spare config file: the safe defaults.
      assert.ok(!/--adopt|--backup-config|--accept-unsaved/.test(String(push.inputs.update)));
      const chosen = { ...config.rtx, adopt: true, backupConfig: 2 };
      assert.match(rtxCommandLine("apply", chosen), / --adopt --backup-config 2$/);
      assert.match(rtxCommandLine("remove", chosen), /--commands - --backup-config 2$/);
      // The revert window and the opt-out pass through only when the stack sets them.
      assert.ok(!/--revert-after|--no-revert/.test(String(push.inputs.update)));
      const revert = { ...config.rtx, revertAfterSeconds: 600, noRevert: true };
      assert.match(rtxCommandLine("apply", revert), / --revert-after 600 --no-revert$/);
      const narrowed = { ...chosen, adopt: ["keepalive:1", "tunnel:2"], overwriteBackup: true };
      assert.match(
        rtxCommandLine("apply", narrowed),
        / --adopt='?keepalive:1,tunnel:2'? --backup-config 2 --overwrite-backup$/,
      );
      assert.ok(!rtxCommandLine("remove", narrowed).includes("--adopt"));
      assert.strictEqual(push.inputs.addPreviousOutputInEnv, true);
      assert.deepStrictEqual(secretValue(push.inputs.environment), {
        RTX_PASSWORD: TEST_SECRETS.rtxPassword,
        RTX_ADMIN_PASSWORD: TEST_SECRETS.rtxAdminPassword,
      });
      assert.strictEqual(push.inputs.dir, REPO_ROOT);
      assert.strictEqual(push.deleteBeforeReplace, true);
      assert.ok(push.additionalSecretOutputs.includes("environment"));
      // docs/lifecycle.md: after gw-b's configuration, before gw-b's gate (which needs the RTX's
      // end of the tunnel), and nothing of gw-a's step.
      const gwb = rendered.gateways[1].name;
      assert.ok(waitsFor(c, push).has(named(c, `${site()}-${gwb}-config-push`).urn));
      assert.ok(named(c, `${site()}-${gwb}-health-wait`).dependencies.includes(push.urn));
      for (const r of [
        `${gwName(0)}-instance`,
        `${site()}-${rendered.gateways[0].name}-config-push`,
      ])
        assert.ok(!waitsFor(c, push).has(named(c, r).urn), `RTX push waits for ${r}`);
    });

    it("sends no secret in any input, invoke or export that is not marked secret", () => {
      const leaks: string[] = [];
      const scan = (where: string, value: unknown) => {
        for (const s of strings(value)) {
          if (!s.secret && SECRET_MARKERS.some((m) => s.text.includes(m))) leaks.push(where);
        }
      };
      for (const r of c.resources) scan(`${r.name} inputs`, r.inputs);
      for (const i of c.invokes) scan(`invoke ${i.token}`, i.inputs);
      for (const [name, e] of Object.entries(c.exports))
        if (!e.secret) scan(`export ${name}`, e.value);
      assert.deepStrictEqual(leaks, []);
      // The scan is not vacuous: each secret is present, wrapped.
      const wrapped = c.resources
        .flatMap((r) => strings(r.inputs))
        .filter((s) => s.secret)
        .map((s) => s.text)
        .join("\n");
      for (const marker of SECRET_MARKERS)
        assert.ok(
          wrapped.includes(marker),
          `secret ${marker.slice(0, 12)}... never reached the engine`,
        );
    });

    it("exports what an operator needs, without secrets", () => {
      const gateways = c.exports.gateways.value as Record<string, unknown>[];
      assert.strictEqual(c.exports.gateways.secret, false);
      gateways.forEach((g, i) => {
        assert.strictEqual(g.instanceId, named(c, `${gwName(i)}-instance`).id);
        assert.strictEqual(g.networkInterfaceId, named(c, `${gwName(i)}-eni`).id);
        assert.strictEqual(g.privateIp, config.gateways[i].privateIp);
        assert.strictEqual(g.tunnelAddress, rendered.gateways[i].tunnelAddress);
      });
      assert.deepStrictEqual(c.exports.rtxCommands.value, rendered.rtx.commands);
      assert.deepStrictEqual(
        c.exports.sshCommands.value,
        [0, 1].map(
          (i) =>
            `ssh -i <gatewaySshPrivateKey file> ${config.gateway.sshUser}@${config.gateways[i].privateIp}`,
        ),
      );
      assert.deepStrictEqual(
        c.exports.knownHosts.value,
        [0, 1].map(
          (i) =>
            `${config.gateways[i].privateIp} ${fakeHostKey(`${gwName(i)}-host-key`).publicKeyOpenssh.trim()}`,
        ),
      );
      assert.deepStrictEqual(c.exports.tunnel.value, rendered.tunnel);
    });

    if (mode === "native") {
      it("creates the EC2 interface and S3 gateway endpoints the config asks for", () => {
        const ec2 = named(c, `${site()}-endpoints-ec2`);
        assert.strictEqual(ec2.inputs.serviceName, "com.amazonaws.ap-northeast-1.ec2");
        assert.strictEqual(ec2.inputs.vpcEndpointType, "Interface");
        assert.strictEqual(ec2.inputs.privateDnsEnabled, true);
        assert.deepStrictEqual(
          ec2.inputs.subnetIds,
          config.gateways.map((g) => g.subnetId),
        );
        const s3 = named(c, `${site()}-endpoints-s3`);
        assert.strictEqual(s3.inputs.serviceName, "com.amazonaws.ap-northeast-1.s3");
        assert.strictEqual(s3.inputs.vpcEndpointType, "Gateway");
        // Only the gateways' own subnets' tables: gw-a's explicit one, gw-b's subnet has no
        // explicit association and uses the main table. Never the application's vpc.routeTableIds.
        assert.deepStrictEqual(s3.inputs.routeTableIds, ["rtb-0gw03333", "rtb-0main5678"]);
        for (const id of config.vpc.routeTableIds) {
          assert.ok(!(s3.inputs.routeTableIds as string[]).includes(id), id);
        }
        const https = named(c, `${site()}-endpoints-ec2-in-https`);
        assert.deepStrictEqual(
          [https.inputs.ipProtocol, https.inputs.fromPort, https.inputs.toPort],
          ["tcp", 443, 443],
        );
        assert.strictEqual(
          https.inputs.referencedSecurityGroupId,
          named(c, `${site()}-security-sg`).id,
        );
        // Private DNS sends every host of the VPC to the endpoints: all of vpc.cidrs may connect.
        const endpointGroup = named(c, `${site()}-endpoints-ec2-sg`).id;
        const fromVpc = c.resources
          .filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
          .filter((r) => r.inputs.securityGroupId === endpointGroup && r.inputs.cidrIpv4);
        assert.deepStrictEqual(
          fromVpc.map((r) => [
            r.inputs.cidrIpv4,
            r.inputs.ipProtocol,
            r.inputs.fromPort,
            r.inputs.toPort,
          ]),
          config.vpc.cidrs.map((cidr) => [cidr, "tcp", 443, 443]),
        );
        const groupsOf = (service: string) =>
          ofType(c, T.endpoint).find((e) => String(e.inputs.serviceName).endsWith(service))?.inputs
            .securityGroupIds;
        assert.deepStrictEqual(groupsOf(".ec2"), [endpointGroup]);
        assert.deepStrictEqual(groupsOf(".monitoring"), [endpointGroup]);
        assert.deepStrictEqual(ec2.inputs.securityGroupIds, [
          named(c, `${site()}-endpoints-ec2-sg`).id,
        ]);
      });
    } else {
      it("creates no VPC endpoints when the config does not ask for them", () => {
        assert.deepStrictEqual(ofType(c, T.endpoint), []);
        assert.strictEqual(c.exports.vpcEndpointIds.value, null);
      });
    }
  });
}
