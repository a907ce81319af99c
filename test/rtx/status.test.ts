/** `npm run status`'s RTX read against the fake router: read-only, as the general user. */
import assert from "node:assert/strict";
import { parseIpRoutes, parseTunnelStatus, readRtxStatus } from "../../src/rtx/status";
import { rtxRoutesFor } from "../../src/status/collect";
import { exampleConfig } from "../support/stacks";
import { EXAMPLE, startFake, Harness, USER_CONFIG } from "./helpers";

const config = exampleConfig("isatap");

describe("RTX status read (fake router)", function () {
  this.timeout(20000);
  let h: Harness;
  const read = () =>
    readRtxStatus(
      {
        host: "127.0.0.1",
        port: h.port,
        user: h.rtx.user,
        hostKey: h.rtx.publicKey,
        password: h.rtx.password,
        adminPassword: h.rtx.adminPassword,
        timeoutMs: 4000,
        settleMs: 10,
      },
      config.rtx.tunnelIds,
    );

  beforeEach(async () => {
    h = await startFake({ config: [...USER_CONFIG, ...EXAMPLE] });
  });
  afterEach(() => h.rtx.stop());

  it("reads both tunnels online and the VPC network through gw-a's tunnel", async () => {
    const r = await read();
    assert.deepEqual(
      r.tunnels.map((t) => [t.tunnelId, t.status]),
      [
        [1, "online"],
        [2, "online"],
      ],
    );
    assert.deepEqual(rtxRoutesFor(config, r.routes), [
      { destination: "10.0.0.0/16", gateway: "gw-a", interface: "TUNNEL[1]" },
    ]);
  });

  it("follows the keepalives: gw-b's tunnel when gw-a's keepalive is down, none when both are", async () => {
    h.rtx.keepalivesDown.add(1);
    assert.equal(rtxRoutesFor(config, (await read()).routes)[0].gateway, "gw-b");
    h.rtx.keepalivesDown.add(2);
    assert.equal(rtxRoutesFor(config, (await read()).routes)[0].gateway, null);
  });

  it("sends only show commands and never enters administrator mode or changes the console", async () => {
    const before = h.rtx.running.lines().join("\n");
    await read();
    const typed = h.rtx.received.filter((l) => l.trim() !== "" && l !== "exit");
    assert.deepEqual(typed, ["show status tunnel 1", "show status tunnel 2", "show ip route"]);
    assert.equal(h.rtx.running.lines().join("\n"), before);
    assert.ok(!h.rtx.received.includes("administrator"));
  });

  it("reports a disabled tunnel offline", async () => {
    h.rtx.running = h.rtx.running.clone();
    h.rtx.running.apply(["no", "tunnel", "enable", "2"], { kind: "tunnel", id: "2" });
    const r = await read();
    assert.equal(r.tunnels[1].status, "offline");
  });
});

describe("RTX status parsers", () => {
  it("says unknown for a status sentence it does not know (a Japanese console)", () => {
    assert.equal(parseTunnelStatus(1, "TUNNEL[1]:\n  接続状態: ???\n").status, "unknown");
    assert.equal(
      parseTunnelStatus(1, "TUNNEL[1]: \n  Current status is Online.\n").status,
      "online",
    );
  });

  it("reads the table's rows under a header in either language", () => {
    const rows = parseIpRoutes(
      "宛先ネットワーク    ゲートウェイ     インタフェース  種別  付加情報\n" +
        "default             -                 TUNNEL[1]    static  \n" +
        "10.0.0.0/16         -                 TUNNEL[2]    static  \n",
    );
    assert.deepEqual(
      rows.map((r) => [r.destination, r.interface]),
      [
        ["default", "TUNNEL[1]"],
        ["10.0.0.0/16", "TUNNEL[2]"],
      ],
    );
  });
});
