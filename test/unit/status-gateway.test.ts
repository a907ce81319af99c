/**
 * A gateway's state for status: the read script's output parsed, the route mover's VRRP record
 * (the rendered mover run in python3), and the SSH read through a bastion against ssh2 test servers
 * that check the operator's key and forward as `ssh -J` does.
 */
import assert from "node:assert/strict";
import { spawn } from "child_process";
import { createHmac } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import { Server, utils } from "ssh2";
import { gatewayContext } from "../../src/gateway/context";
import { PATHS } from "../../src/gateway/paths";
import { renderGateway } from "../../src/gateway/render";
import { VRRP_STATE_FILE_NAME } from "../../src/gateway/vrrp-state";
import { VRRP_FIFO_NAME } from "../../src/gateway/route-mover";
import { GATEWAY_READ_SCRIPT, parseGatewayRead } from "../../src/status/gateway";
import { knownKeysFor } from "../../src/status/known-hosts";
import { sshRunScript, SshHop } from "../../src/status/ssh-exec";
import { parseHostKey } from "../../src/rtx/host-key";
import { readableHostKey } from "../rtx/fake-rtx";
import { exampleConfig } from "../support/stacks";

const config = exampleConfig("isatap");
const placeholder = gatewayContext(config, 0).vrrp.placeholder;

/** docs/gateway-prober.md's example status file. */
const PROBER_JSON = JSON.stringify({
  version: 1,
  link: "tun0",
  target: "192.168.10.1",
  intervalMs: 200,
  downAfter: 3,
  upAfter: 5,
  state: "up",
  since: 1764316800.123456,
  updatedAt: 1764316811.523901,
  window: { probes: 50, lost: 1, lossPercent: 2.0, rttMs: { min: 3.112, avg: 4.02, max: 9.87 } },
  totals: { replies: 57, missed: 1, late: 0 },
  transitions: [{ at: 1764316800.123456, from: "down", to: "up", reason: "5 replies in a row" }],
});

/** iproute2's one-line form of `ip -4 -o addr show dev vig-vrrp` on the master. */
const MASTER_LINK = `5: vig-vrrp    inet ${placeholder}/32 scope global vig-vrrp\\       valid_lft forever preferred_lft forever`;

function readOutput(o: {
  keepalived?: string;
  link?: string;
  prober?: string;
  vrrp?: string;
  end?: boolean;
}): string {
  return [
    "@@now 1764316812.000001",
    `@@keepalived ${o.keepalived ?? "active"}`,
    "@@vrrp-link",
    o.link ?? "",
    "@@prober",
    o.prober ?? PROBER_JSON,
    "@@vrrp",
    o.vrrp ?? "",
    ...(o.end === false ? [] : ["@@end"]),
  ].join("\n");
}

/**
 * Runs the rendered route mover (which keeps the VRRP record) and writes each state to its FIFO as
 * keepalived does; no IMDS answers (a closed port): the record does not wait for one.
 */
async function runNotify(states: string[]): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vrrp-"));
  const files = renderGateway(config, 0).files;
  const script = path.join(dir, "route-mover");
  const configFile = path.join(dir, "route-mover.json");
  fs.writeFileSync(script, files[PATHS.routeMoverScript]);
  fs.writeFileSync(configFile, files[PATHS.routeMoverConfig]);
  const instance = (JSON.parse(files[PATHS.routeMoverConfig]) as { instance: string }).instance;
  const mover = spawn("python3", ["-I", "-S", script, configFile], {
    env: {
      PATH: "/usr/bin:/bin",
      VIG_RUN_DIR: dir,
      VIG_STATE_DIR: dir,
      VIG_IMDS: "127.0.0.1:1",
      VIG_MASTER_AT_START: "0",
    },
    stdio: "ignore",
  });
  const record = path.join(dir, VRRP_STATE_FILE_NAME);
  const fifo = path.join(dir, VRRP_FIFO_NAME);
  try {
    for (let i = 0; !fs.existsSync(fifo) && i < 200; i++)
      await new Promise((r) => setTimeout(r, 25));
    const fd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    for (const state of states) fs.writeSync(fd, `INSTANCE "${instance}" ${state} 200\n`);
    fs.closeSync(fd);
    const last = (t: string) => (JSON.parse(t) as { transitions: unknown[] }).transitions.length;
    const want = Math.min(states.length, 10);
    for (let i = 0; i < 400; i++) {
      if (fs.existsSync(record) && last(fs.readFileSync(record, "utf8")) === want) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    // a record of the last state, not a partial one
    for (let i = 0; i < 40; i++) {
      const text = fs.readFileSync(record, "utf8");
      if (text.includes(`"state": "${states[states.length - 1]}"`) && last(text) === want) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    return fs.readFileSync(record, "utf8");
  } finally {
    mover.kill("SIGKILL");
  }
}

describe("status: a gateway's state", () => {
  it("reads the master: keepalived running, the placeholder on the vrrp link, the prober's figures", () => {
    const s = parseGatewayRead(readOutput({ link: MASTER_LINK }), placeholder);
    assert.equal(s.vrrp, "MASTER");
    assert.equal(s.tunnel?.state, "up");
    assert.equal(s.tunnel?.lossPercent, 2);
    assert.deepEqual(s.tunnel?.rttMs, { min: 3.112, avg: 4.02, max: 9.87 });
    assert.equal(s.tunnel?.transitions[0].reason, "5 replies in a row");
  });

  it("takes BACKUP or FAULT from the route mover's record, and infers them from the tunnel without it", async () => {
    assert.equal(parseGatewayRead(readOutput({}), placeholder).vrrp, "BACKUP");
    const down = PROBER_JSON.replace('"state":"up"', '"state":"down"');
    assert.equal(parseGatewayRead(readOutput({ prober: down }), placeholder).vrrp, "FAULT");
    assert.equal(
      parseGatewayRead(readOutput({ keepalived: "inactive" }), placeholder).vrrp,
      "STOP",
    );
    const recorded = await runNotify(["BACKUP", "FAULT"]);
    assert.equal(parseGatewayRead(readOutput({ vrrp: recorded }), placeholder).vrrp, "FAULT");
  });

  it("the route mover keeps the transitions in order with their reasons, the last ten", async () => {
    const states = [
      "BACKUP",
      "MASTER",
      "FAULT",
      "BACKUP",
      "MASTER",
      "BACKUP",
      "MASTER",
      "BACKUP",
      "MASTER",
      "BACKUP",
      "MASTER",
      "FAULT",
    ];
    const s = parseGatewayRead(readOutput({ vrrp: await runNotify(states) }), placeholder);
    assert.equal(s.vrrpTransitions.length, 10);
    assert.deepEqual(s.vrrpTransitions.at(-1), {
      ...s.vrrpTransitions.at(-1),
      from: "MASTER",
      to: "FAULT",
      reason: "fault: the prober's track file says the tunnel is down",
    });
    assert.equal(s.vrrpTransitions[0].to, "FAULT");
    assert.ok(s.vrrpTransitions.every((t, i, a) => i === 0 || t.at >= a[i - 1].at));
  });

  it("refuses a cut-off answer and a damaged status file instead of guessing", () => {
    assert.throws(() => parseGatewayRead(readOutput({ end: false }), placeholder), /ended early/);
    assert.throws(
      () => parseGatewayRead(readOutput({ prober: '{"version": 1, "sta' }), placeholder),
      /not a JSON object/,
    );
  });
});

describe("status: known_hosts", () => {
  it("finds plain, hashed and [host]:port entries, and nothing for another host", () => {
    const key = readableHostKey().public.trim().split(/\s+/).slice(0, 2).join(" ");
    const salt = Buffer.from("0123456789abcdef0123");
    const hash = createHmac("sha1", salt).update("10.0.2.10").digest("base64");
    const text = [
      `10.0.1.10 ${key}`,
      `|1|${salt.toString("base64")}|${hash} ${key}`,
      `[bastion.example]:2222 ${key}`,
      `@revoked 10.0.1.10 ${key}`,
    ].join("\n");
    assert.equal(knownKeysFor(text, "10.0.1.10").length, 1);
    assert.equal(knownKeysFor(text, "10.0.2.10").length, 1);
    assert.equal(knownKeysFor(text, "bastion.example", 2222).length, 1);
    assert.equal(knownKeysFor(text, "bastion.example").length, 0);
    assert.equal(knownKeysFor(text, "10.0.9.9").length, 0);
  });
});

interface TestServer {
  port: number;
  hostKey: string;
  auths: number;
  scripts: string[];
  close(): Promise<void>;
}

/** An sshd stand-in: public-key login for one user and key, `bash -s` answered with `answer`. */
async function sshServer(userKey: string, answer: string, forwardTo?: number): Promise<TestServer> {
  const host = readableHostKey();
  const parsed = utils.parseKey(userKey);
  if (parsed instanceof Error) throw parsed;
  const allowed = Array.isArray(parsed) ? parsed[0] : parsed;
  const state = { auths: 0, scripts: [] as string[] };
  const server = new Server({ hostKeys: [host.private] }, (client) => {
    client.on("error", () => undefined);
    client.on("authentication", (ctx) => {
      state.auths++;
      if (
        ctx.method === "publickey" &&
        ctx.username === "ec2-user" &&
        ctx.key.data.equals(allowed.getPublicSSH())
      ) {
        if (!ctx.signature) return ctx.accept();
        const ok = allowed.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo);
        return ok ? ctx.accept() : ctx.reject();
      }
      ctx.reject(["publickey"]);
    });
    client.on("ready", () => {
      client.on("tcpip", (accept, reject) => {
        if (!forwardTo) return reject();
        const channel = accept();
        const socket = net.connect(forwardTo, "127.0.0.1");
        channel.pipe(socket).pipe(channel);
      });
      client.on("session", (accept) => {
        accept().on("exec", (acceptExec, _r, info) => {
          const stream = acceptExec();
          let stdin = "";
          stream.on("data", (d: Buffer) => (stdin += d.toString()));
          stream.on("end", () => {
            state.scripts.push(`${info.command}\n${stdin}`);
            stream.write(answer);
            stream.exit(0);
            stream.end();
          });
        });
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    hostKey: host.public.trim().split(/\s+/).slice(0, 2).join(" "),
    get auths() {
      return state.auths;
    },
    scripts: state.scripts,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe("status: reading a gateway over SSH (ssh2 test servers)", function () {
  this.timeout(20000);
  const operator = readableHostKey();
  const hop = (s: TestServer, key = s.hostKey): SshHop => ({
    host: "127.0.0.1",
    port: s.port,
    user: "ec2-user",
    hostKeys: [parseHostKey(key)],
  });

  it("sends the read script to `bash -s` through the bastion, with the operator's key", async () => {
    const gateway = await sshServer(operator.private, readOutput({ link: MASTER_LINK }));
    const bastion = await sshServer(operator.private, "", gateway.port);
    try {
      const out = await sshRunScript(
        hop(gateway),
        GATEWAY_READ_SCRIPT,
        { privateKey: operator.private },
        { bastion: hop(bastion), timeoutMs: 5000 },
      );
      assert.equal(parseGatewayRead(out, placeholder).vrrp, "MASTER");
      assert.deepEqual(gateway.scripts, [`bash -s\n${GATEWAY_READ_SCRIPT}`]);
      assert.doesNotMatch(
        GATEWAY_READ_SCRIPT,
        /sudo|\s>\s*\/|rm |mv |systemctl (start|stop|restart|reload)/,
      );
    } finally {
      await gateway.close();
      await bastion.close();
    }
  });

  it("stops at a host key that is not the pinned one, before offering any key", async () => {
    const gateway = await sshServer(operator.private, readOutput({}));
    try {
      const other = readableHostKey().public.trim().split(/\s+/).slice(0, 2).join(" ");
      await assert.rejects(
        sshRunScript(
          hop(gateway, other),
          GATEWAY_READ_SCRIPT,
          { privateKey: operator.private },
          { timeoutMs: 5000 },
        ),
        /host key mismatch for 127\.0\.0\.1:\d+: expected SHA256:\S+, the server presented SHA256:\S+; nothing was sent/,
      );
      assert.equal(gateway.auths, 0);
      assert.deepEqual(gateway.scripts, []);
    } finally {
      await gateway.close();
    }
  });

  it("names a refused key", async () => {
    const gateway = await sshServer(operator.private, readOutput({}));
    try {
      await assert.rejects(
        sshRunScript(
          hop(gateway),
          GATEWAY_READ_SCRIPT,
          { privateKey: readableHostKey().private },
          { timeoutMs: 5000 },
        ),
        /ec2-user@127\.0\.0\.1 refused the key/,
      );
    } finally {
      await gateway.close();
    }
  });
});
