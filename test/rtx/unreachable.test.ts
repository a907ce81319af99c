/**
 * An unreachable RTX fails the client within its --timeout, with the host named and no secret:
 * what `pulumi destroy` meets when the router is gone (docs/lifecycle.md, "RTX unreachable").
 */
import assert from "assert";
import * as net from "net";
import { ConnectionLostError, RtxTimeoutError } from "../../src/rtx/errors";
import { RtxSession } from "../../src/rtx/session";
import { startFake } from "./helpers";

const PASSWORD = "unreachable-secret-pw";

async function openAgainst(port: number, hostKey: string, timeoutMs: number) {
  const started = Date.now();
  const error = await RtxSession.open({
    host: "127.0.0.1",
    port,
    user: "admin",
    hostKey,
    password: PASSWORD,
    adminPassword: PASSWORD,
    timeoutMs,
  }).then(
    () => assert.fail("connected to nothing"),
    (e: Error) => e,
  );
  return { error, ms: Date.now() - started };
}

describe("rtx client against an unreachable router", function () {
  this.timeout(20000);
  let hostKey = "";
  before(async () => {
    const fake = await startFake();
    hostKey = fake.rtx.publicKey;
    await fake.rtx.stop();
  });

  it("a refused connection fails at once, naming the host", async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const { error, ms } = await openAgainst(port, hostKey, 2000);
    assert.ok(error instanceof ConnectionLostError, error.message);
    assert.match(
      error.message,
      new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
    );
    assert.ok(ms < 1500, `${ms} ms`);
    assert.ok(!error.message.includes(PASSWORD));
  });

  it("a host that answers nothing fails after the timeout, not later", async () => {
    const silent: net.Socket[] = [];
    const server = net.createServer((socket) => silent.push(socket));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const { error, ms } = await openAgainst(port, hostKey, 1000);
      assert.ok(error instanceof RtxTimeoutError, error.message);
      assert.match(
        error.message,
        new RegExp(`timed out after 1s connecting to 127\\.0\\.0\\.1:${port}`),
      );
      assert.ok(ms >= 900 && ms < 3000, `${ms} ms`);
    } finally {
      silent.forEach((s) => s.destroy());
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
