import assert from "node:assert/strict";
import { PATHS } from "../../src/gateway/paths";
import { renderSite } from "../../src/render/site";
import { ensureTools, requireRoot, run, tempDir, writeUnder } from "../support/real-tools";
import { exampleConfig } from "../support/stacks";

/**
 * The gateway's rendered nftables ruleset, loaded by the real nft in a network namespace that
 * stands for the gateway, with real TCP connections from a second namespace on a veth: new SSH
 * only from sshAllowedCidrs, other ports from anywhere, and an SSH session opened before the
 * ruleset loads keeps working after it (the push that loads it).
 */

const GW = "10.0.1.10";
const ALLOWED = "10.0.9.9";
const REFUSED = "10.0.5.5";
const GW6 = "fd00:9::1";
const CLIENT6 = "fd00:9::2";

/** A listener on 22 and 443 (IPv4 and IPv6) that answers each connection with one line. */
const SERVER = `
import socket, threading
def serve(family, host, port):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port)); s.listen(16)
    while True:
        c, _ = s.accept()
        threading.Thread(target=lambda c=c: (c.sendall(b"hi\\n"), c.recv(16), c.close()), daemon=True).start()
for port in (22, 443):
    threading.Thread(target=serve, args=(socket.AF_INET, "${GW}", port), daemon=True).start()
    threading.Thread(target=serve, args=(socket.AF_INET6, "${GW6}", port), daemon=True).start()
threading.Event().wait()
`;

/** connect SRC DST PORT: prints "open" or "refused-or-dropped" (2 s budget, like a dropped SYN). */
const CLIENT = `
import socket, sys
src, dst, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
family = socket.AF_INET6 if ":" in dst else socket.AF_INET
s = socket.socket(family, socket.SOCK_STREAM); s.settimeout(2); s.bind((src, 0))
try:
    s.connect((dst, port)); print("open" if s.recv(3) == b"hi\\n" else "no-greeting")
except OSError:
    print("refused-or-dropped")
`;

/** Opens SSH before the ruleset loads, waits for a signal file, then proves the session lives. */
const LONG_SESSION = `
import os, socket, sys, time
s = socket.create_connection((sys.argv[1], 22), timeout=2, source_address=(sys.argv[2], 0))
assert s.recv(3) == b"hi\\n"
open(sys.argv[3] + ".up", "w").close()
while not os.path.exists(sys.argv[3] + ".go"): time.sleep(0.05)
s.sendall(b"still here\\n"); s.settimeout(2)
print("alive" if s.recv(1) == b"" else "odd")
`;

function sh(script: string): string {
  const result = run("bash", ["-c", `set -euo pipefail\n${script}`]);
  assert.equal(result.status, 0, `${script}\nexited ${result.status}\n${result.stderr}`);
  return result.stdout.trim();
}

describe("the gateway's firewall admits new SSH only from sshAllowedCidrs (real packets)", function () {
  this.timeout(60000);
  const tag = `vig${process.pid}`;
  const [gw, client] = [`${tag}-gw`, `${tag}-cl`];
  const dir = tempDir("vig-ssh-admission-");
  let ruleset = "";

  before(() => {
    requireRoot();
    ensureTools(["ip", "nft", "python3"]);
    const config = exampleConfig("isatap");
    config.gateway.sshAllowedCidrs = ["10.0.9.0/24"];
    ruleset = writeUnder(dir, "/rules.nft", renderSite(config).gateways[0].files[PATHS.nftables]);
    writeUnder(dir, "/server.py", SERVER);
    writeUnder(dir, "/client.py", CLIENT);
    writeUnder(dir, "/session.py", LONG_SESSION);
    sh(`ip netns add ${gw}; ip netns add ${client}
      ip link add ens5 netns ${gw} type veth peer name eth0 netns ${client}
      ip -n ${gw} addr add ${GW}/16 dev ens5; ip -n ${gw} addr add ${GW6}/64 dev ens5 nodad
      ip -n ${client} addr add ${ALLOWED}/16 dev eth0; ip -n ${client} addr add ${REFUSED}/16 dev eth0
      ip -n ${client} addr add ${CLIENT6}/64 dev eth0 nodad
      for ns in ${gw} ${client}; do ip -n $ns link set lo up; done
      ip -n ${gw} link set ens5 up; ip -n ${client} link set eth0 up
      ip netns exec ${gw} python3 ${dir}/server.py >/dev/null 2>&1 &
      echo $! > ${dir}/server.pid
      for _ in $(seq 50); do ip netns exec ${gw} ss -Hltn | grep -q ':22 ' && break; sleep 0.1; done`);
  });

  after(() => {
    run("bash", [
      "-c",
      `kill "$(cat ${dir}/server.pid)" 2>/dev/null; ip netns del ${gw}; ip netns del ${client}`,
    ]);
  });

  const connect = (src: string, dst: string, port: number) =>
    sh(`ip netns exec ${client} python3 ${dir}/client.py ${src} ${dst} ${port}`);

  it("keeps a session opened before the load, and refuses new SSH from outside the list after", () => {
    assert.equal(connect(REFUSED, GW, 22), "open", "before the load, everything connects");
    const flag = `${dir}/session`;
    sh(`ip netns exec ${client} python3 ${dir}/session.py ${GW} ${REFUSED} ${flag} > ${flag}.out &
      echo $! > ${flag}.pid
      for _ in $(seq 50); do [ -e ${flag}.up ] && break; sleep 0.1; done
      ip netns exec ${gw} nft -f ${ruleset}
      touch ${flag}.go; wait "$(cat ${flag}.pid)" || true`);
    assert.equal(sh(`cat ${flag}.out`), "alive", "the established session was cut");
    assert.equal(connect(ALLOWED, GW, 22), "open");
    assert.equal(connect(REFUSED, GW, 22), "refused-or-dropped");
    assert.equal(connect(CLIENT6, GW6, 22), "refused-or-dropped", "no IPv6 source is listed");
    assert.equal(connect(REFUSED, GW, 443), "open", "other ports are untouched");
    assert.equal(connect(CLIENT6, GW6, 443), "open", "other ports are untouched (IPv6)");
  });
});
