import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { renderGatewayCloudInit } from "../../components/lib/cloudInit";
import { LINKS, PATHS } from "../../src/gateway/paths";
import { renderSite } from "../../src/render/site";
import { RenderedGateway } from "../../src/render/types";
import { fakeHostKey } from "../pulumi/support/fixtures";
import {
  ensureTools,
  requireRoot,
  run,
  RunResult,
  systemdRoot,
  tempDir,
  TOOL_PACKAGES,
  writeUnder,
} from "../support/real-tools";
import { EXAMPLE_STACKS, exampleConfig } from "../support/stacks";

/**
 * Every file the program renders for a gateway, read by the real program that reads it on the
 * gateway (or the nearest real checker of it), for both example stacks. Each reader also gets one
 * deliberately broken file, so a checker that accepts everything fails here.
 */

type Reader = "bash" | "keepalived" | "nft" | "systemd" | "sysctl" | "networkd" | "python" | "json";

/** Which reader a rendered file has; an unknown kind of file fails the suite until it gets one. */
function readerOf(file: string, content: string): Reader {
  if (file.endsWith(".nft")) return "nft";
  if (file === PATHS.keepalivedConf) return "keepalived";
  if (file.startsWith("/etc/systemd/system/")) return "systemd";
  if (file.startsWith("/etc/sysctl.d/")) return "sysctl";
  if (file.startsWith("/etc/systemd/networkd.conf.d/")) return "networkd";
  if (content.startsWith("#!/bin/bash\n")) return "bash";
  if (content.startsWith("#!/usr/bin/python3\n")) return "python";
  if (file.endsWith(".json")) return "json";
  throw new Error(`${file}: no reader known for this rendered file; add one to this suite`);
}

/** shellcheck findings accepted, per file, with the reason (none today). */
const SHELLCHECK_ACCEPTED: Record<string, string[]> = {};

function failure(what: string, result: RunResult): string {
  return `${what} exited ${result.status}\n${result.stdout}${result.stderr}`;
}

function checkBash(file: string, content: string): void {
  const parse = run("bash", ["-n"], content);
  assert.equal(parse.status, 0, failure(`bash -n ${file}`, parse));
  const excluded = SHELLCHECK_ACCEPTED[file] ?? [];
  const args = ["--shell=bash", "--severity=style", "--format=gcc"];
  if (excluded.length > 0) args.push(`--exclude=${excluded.join(",")}`);
  const lint = run("shellcheck", [...args, "-"], content);
  assert.equal(lint.status, 0, failure(`shellcheck ${file}`, lint));
}

/**
 * Python the gateway runs: compiled by python3, and parsed with Amazon Linux 2023's Python 3.9
 * grammar (its /usr/bin/python3 stays 3.9: docs/route-mover.md), since this machine's is newer.
 */
function checkPython(file: string, content: string): void {
  const script =
    "import ast,sys; ast.parse(sys.stdin.read(), feature_version=(3, 9)); compile('', 'x', 'exec')";
  const parse = run("python3", ["-I", "-c", script], content);
  assert.equal(parse.status, 0, failure(`python3 (3.9 grammar) ${file}`, parse));
}

/** JSON the gateway's Python reads: read by Python's own json module. */
function checkJson(file: string): void {
  const read = run("python3", ["-I", "-c", "import json,sys; json.load(open(sys.argv[1]))", file]);
  assert.equal(read.status, 0, failure(`python3 json.load ${file}`, read));
}

/** keepalived -t refuses interfaces that do not exist: a private namespace gets them as veths. */
function checkKeepalived(file: string, interfaceName: string): void {
  const script = 'ip link add "$1" type veth peer name "$2" && exec keepalived -t -f "$3"';
  const test = run("unshare", ["-n", "sh", "-c", script, "sh", interfaceName, LINKS.vrrp, file]);
  assert.equal(test.status, 0, failure(`keepalived -t -f ${file}`, test));
  assert.equal(test.stdout + test.stderr, "", `keepalived -t warned about ${file}`);
}

/** nft -c parses and evaluates; loading it for real in a private namespace also needs the kernel. */
function checkNft(file: string): void {
  const check = run("nft", ["-c", "-f", file]);
  assert.equal(check.status, 0, failure(`nft -c -f ${file}`, check));
  const load = run("unshare", ["-n", "sh", "-c", 'nft -f "$1" && nft -f "$1"', "sh", file]);
  assert.equal(load.status, 0, failure(`nft -f ${file} (twice, in a private namespace)`, load));
}

/** Only per-namespace keys: applying them in a private namespace leaves the host alone. */
function checkSysctl(file: string, content: string): void {
  for (const line of content.split("\n").filter((l) => l.trim() && !l.startsWith("#"))) {
    assert.match(line, /^net\.ipv[46]\.\S+ = \S+$/, `${file}: ${line} is not a per-namespace key`);
  }
  const apply = run("unshare", ["-n", "sysctl", "-p", file]);
  assert.equal(apply.status, 0, failure(`sysctl -p ${file}`, apply));
  assert.equal(apply.stderr, "", `sysctl warned about ${file}`);
}

/**
 * No program checks networkd.conf without starting networkd; the installed systemd's own
 * networkd.conf lists every key it knows, commented out, under its section: each rendered key
 * must be one of them.
 */
function checkNetworkd(file: string, content: string): void {
  const reference = "/etc/systemd/networkd.conf";
  assert.ok(fs.existsSync(reference), `${reference} is missing: apt-get install -y systemd`);
  const known = fs.readFileSync(reference, "utf8");
  let section = "";
  for (const line of content.split("\n").filter((l) => l.trim() && !l.startsWith("#"))) {
    if (/^\[.+\]$/.test(line)) {
      section = line;
      assert.ok(known.includes(`${line}\n`), `${file}: section ${line} unknown to networkd.conf`);
      continue;
    }
    const key = line.split("=")[0];
    const after = known.slice(known.indexOf(`${section}\n`));
    assert.match(after, new RegExp(`^#${key}=`, "m"), `${file}: ${key} unknown in ${section}`);
  }
}

/** Every unit at once against a root holding the gateway's files; any warning is a failure. */
function checkSystemd(gateway: RenderedGateway): void {
  const root = systemdRoot(gateway.files, gateway.fileModes);
  const units = Object.keys(gateway.files)
    .filter((file) => /^\/etc\/systemd\/system\/[^/]+\.(service|timer)$/.test(file))
    .map((file) => path.basename(file));
  // keepalived.service carries the rendered drop-in.
  const args = ["verify", `--root=${root}`, "--man=no", ...units, "keepalived.service"];
  const verify = run("systemd-analyze", args);
  assert.equal(verify.status, 0, failure(`systemd-analyze ${args.join(" ")}`, verify));
  assert.equal(verify.stderr, "", `systemd-analyze verify warned:\n${verify.stderr}`);
}

function checkCloudInit(text: string): void {
  const file = writeUnder(tempDir("vig-cloud-init-"), "/user-data", text);
  const schema = run("cloud-init", ["schema", "--config-file", file]);
  assert.equal(schema.status, 0, failure("cloud-init schema", schema));
}

function checkGateway(gateway: RenderedGateway, interfaceName: string): void {
  const dir = tempDir(`vig-${gateway.name}-`);
  const scripts: Record<string, string> = {
    "install script": gateway.installScript,
    "remove script": gateway.removeScript,
    "health wait script": gateway.healthWaitScript,
  };
  for (const [what, content] of Object.entries(scripts)) checkBash(what, content);
  for (const [file, content] of Object.entries(gateway.files)) {
    const local = writeUnder(dir, file, content, gateway.fileModes[file]);
    const reader = readerOf(file, content);
    if (reader === "bash") checkBash(file, content);
    if (reader === "keepalived") checkKeepalived(local, interfaceName);
    if (reader === "nft") checkNft(local);
    if (reader === "sysctl") checkSysctl(local, content);
    if (reader === "networkd") checkNetworkd(file, content);
    if (reader === "python") checkPython(file, content);
    if (reader === "json") checkJson(local);
  }
  checkSystemd(gateway);
}

describe("rendered files pass the real programs that read them", function () {
  this.timeout(180000);

  before(() => {
    requireRoot();
    ensureTools(Object.keys(TOOL_PACKAGES));
  });

  for (const kind of Object.keys(EXAMPLE_STACKS) as (keyof typeof EXAMPLE_STACKS)[]) {
    it(`example-${kind}: every gateway file, script and unit`, () => {
      const config = exampleConfig(kind);
      for (const gateway of renderSite(config).gateways) {
        checkGateway(gateway, config.gateway.interfaceName);
      }
    });
  }

  it("the gateways' cloud-init user data passes cloud-init's schema, default user or not", () => {
    const key = fakeHostKey("gw-a");
    for (const sshUser of ["ec2-user", "netops"]) {
      checkCloudInit(
        renderGatewayCloudInit({
          sshUser,
          loginPublicKey: fakeHostKey("login").publicKeyOpenssh,
          hostPrivateKey: key.privateKeyOpenssh,
          hostPublicKey: key.publicKeyOpenssh,
        }),
      );
    }
  });

  describe("each checker refuses a broken file", () => {
    const config = exampleConfig("isatap");
    const gateway = renderSite(config).gateways[0];
    const dir = tempDir("vig-broken-");
    const broken = (file: string, from: RegExp, to: string): string => {
      const content = gateway.files[file];
      assert.match(content, from, `the breakage of ${file} no longer applies`);
      return content.replace(from, to);
    };

    it("shellcheck: a misspelt variable", () => {
      const text = broken(PATHS.tunnelsScript, /alias "\$TUN_PRINT"/, 'alias "$TUN_PRNT"');
      assert.throws(
        () => checkBash(PATHS.tunnelsScript, text),
        /TUN_PRNT may not be assigned.*SC2153/,
      );
    });

    it("keepalived -t: a misspelt keyword", () => {
      const file = writeUnder(dir, "/k.conf", broken(PATHS.keepalivedConf, /priority/, "priorty"));
      assert.throws(() => checkKeepalived(file, config.gateway.interfaceName), /priorty/);
    });

    it("nft -c: an unknown statement", () => {
      const file = writeUnder(dir, "/r.nft", broken(PATHS.nftables, / drop\n/, " dorp\n"));
      assert.throws(() => checkNft(file), /dorp/);
    });

    it("systemd-analyze verify: a malformed timer value", () => {
      const files = { ...gateway.files };
      files[PATHS.metricsTimer] = broken(PATHS.metricsTimer, /OnBootSec=/, "OnBootSec=6x");
      assert.throws(() => checkSystemd({ ...gateway, files }), /6x60/);
    });

    it("python3: syntax Amazon Linux 2023's Python 3.9 does not have (match, 3.10)", () => {
      const text = `${gateway.files[PATHS.routeMoverScript]}\nmatch 1:\n    case 1:\n        pass\n`;
      assert.throws(() => checkPython(PATHS.routeMoverScript, text), /3\.9 grammar/);
    });

    it("python3 json.load: a trailing comma", () => {
      const text = broken(PATHS.routeMoverConfig, /\n}\s*$/, ",\n}\n");
      assert.throws(() => checkJson(writeUnder(dir, "/m.json", text)), /json\.load/);
    });

    it("sysctl -p: a key this kernel does not have", () => {
      const text = broken(PATHS.sysctl, /ip_forward/, "ip_forwardd");
      const file = writeUnder(dir, "/s.conf", text);
      assert.throws(() => checkSysctl(file, text), /ip_forwardd/);
    });

    it("networkd.conf: a key networkd does not know", () => {
      const text = broken(PATHS.networkdDropIn, /ManageForeign/, "ManageForiegn");
      assert.throws(() => checkNetworkd(PATHS.networkdDropIn, text), /ManageForiegn/);
    });

    it("cloud-init schema: a list that must not be empty", () => {
      assert.throws(() => checkCloudInit("#cloud-config\nssh_genkeytypes: []\n"), /too short/);
    });
  });
});
