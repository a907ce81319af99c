import { spawnSync } from "child_process";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { standinGuestFiles } from "../../lab/aws-guest";
import { standinState } from "../../lab/aws-state";
import { GUEST_PYTHON, LAZY_IMPORTS, standinPythonFiles } from "../../lab/guest-python";
import { loadAndRender } from "../../lab/stack";
import { planTopology } from "../../lab/topology";

const STACK = path.resolve(__dirname, "..", "..", "stacks", "Pulumi.example-isatap.yaml");

describe("lab: the EC2/IMDS stand-in in the guest", () => {
  const { config, site } = loadAndRender(STACK);
  const topology = planTopology(config, site);

  it("takes only the stdlib files the stand-in loads, lazy imports included", function () {
    if (!fs.existsSync(GUEST_PYTHON)) this.skip();
    const files = standinPythonFiles();
    const has = (suffix: string) => files.some((f) => f.endsWith(suffix));
    for (const f of ["/os.py", "/ssl.py", "/http/server.py", "/_strptime.py", "/encodings/idna.py"])
      assert.ok(has(f), `${f} missing`);
    assert.ok(files.some((f) => /lib-dynload\/_ssl\.cpython-.*\.so$/.test(f)));
    // not the whole library: nothing the stand-in never imports
    assert.ok(
      !has("/tkinter/__init__.py") && !has("/asyncio/__init__.py") && !has("/sqlite3/__init__.py"),
    );
    assert.ok(LAZY_IMPORTS.includes("encodings.idna"));
  });

  it("gives each gateway its own identity and credentials, route tables their Linux tables", () => {
    const a = standinState(topology);
    const b = standinState(topology);
    assert.deepEqual(a.routeTables, { "rtb-0aaa1111": 100, "rtb-0bbb2222": 101 });
    assert.deepEqual(
      a.gateways.map((g) => [g.name, g.sourceIp, g.link]),
      [
        ["gw-a", "10.0.1.10", "gw-a"],
        ["gw-b", "10.0.2.10", "gw-b"],
      ],
    );
    assert.notEqual(a.gateways[0].secretAccessKey, a.gateways[1].secretAccessKey);
    assert.notEqual(a.gateways[0].secretAccessKey, b.gateways[0].secretAccessKey);
    assert.match(a.gateways[0].accessKeyId, /^ASIA[0-9A-F]{16}$/);
    // The routes exist from the start, as Pulumi creates them: at the standby's ENI.
    for (const table of topology.routeTableIds)
      assert.deepEqual(
        a.routes[table],
        Object.fromEntries(topology.siteCidrs.map((c) => [c, topology.gateways[1].eni])),
      );
  });

  it("names the EC2 and CloudWatch endpoints in /etc/hosts, in the certificate, trusts the lab CA, keeps secrets 0600", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-aws-"));
    const files = standinGuestFiles(topology, path.join(dir, "aws"));
    assert.equal(
      files["/etc/hosts"][0],
      `127.0.0.1 localhost\n${topology.ec2Endpoint} ec2.ap-northeast-1.amazonaws.com\n` +
        `${topology.monitoringEndpoint} monitoring.ap-northeast-1.amazonaws.com\n`,
    );
    const sans = spawnSync("openssl", ["x509", "-noout", "-ext", "subjectAltName"], {
      input: files["/lab/aws/ec2.pem"][0],
      encoding: "utf8",
    }).stdout;
    assert.match(
      sans,
      /DNS:ec2\.ap-northeast-1\.amazonaws\.com, DNS:monitoring\.ap-northeast-1\.amazonaws\.com/,
    );
    assert.match(files["/etc/ssl/certs/ca-certificates.crt"][0], /BEGIN CERTIFICATE/);
    assert.equal(files["/lab/aws/state.json"][1], "0600");
    assert.equal(files["/lab/aws/ec2.key"][1], "0600");
    assert.equal(topology.ec2Endpoint, "10.0.255.11");
    assert.equal(topology.monitoringEndpoint, "10.0.255.12");
  });
});
