import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as path from "path";
import {
  bindDirs,
  extraOneshotUnits,
  longRunningUnits,
  parseUnitExec,
  reloadCommand,
  renderGuestEnv,
  restartSeconds,
  serviceCommand,
} from "../../lab/guest-env";
import { parseRtxIntent } from "../../lab/rtx-intent";
import { loadAndRender } from "../../lab/stack";
import { planTopology } from "../../lab/topology";

const STACK = path.resolve(__dirname, "..", "..", "stacks", "Pulumi.example-isatap.yaml");

describe("lab: the guest's environment", () => {
  it("takes ExecStart/ExecStartPost/ExecStop from a unit, dropping systemd's prefixes", () => {
    const unit =
      "[Service]\nExecStartPre=-/bin/true\nExecStart=/usr/local/sbin/t up\nExecStartPost=-/usr/local/sbin/t warm\nExecReload=/x\nExecStop=/usr/local/sbin/t down\n";
    assert.deepEqual(parseUnitExec(unit), {
      start: ["/bin/true", "/usr/local/sbin/t up"],
      post: ["/usr/local/sbin/t warm"],
      stop: ["/usr/local/sbin/t down"],
    });
  });

  it("binds /etc and /usr/local whole and other files' own directories", () => {
    assert.deepEqual(bindDirs(["/etc/a/b", "/usr/local/sbin/x", "/etc/c", "/opt/tool/bin/y"]), [
      "/etc",
      "/opt/tool/bin",
      "/usr/local",
    ]);
  });

  it("finds oneshot services other than the tunnels unit (a timer's service)", () => {
    const files = {
      "/etc/systemd/system/vpc-ipip6-gateway-tunnels.service": "Type=oneshot\n",
      "/etc/systemd/system/x.service": "[Service]\nType=oneshot\nExecStart=/x\n",
      "/etc/systemd/system/y.service": "[Service]\nType=simple\n",
      "/etc/systemd/system/x.timer": "Type=oneshot\n",
    };
    assert.deepEqual(extraOneshotUnits(files), ["/etc/systemd/system/x.service"]);
  });

  it("runs a long-running unit as systemd would: restarted after RestartSec, ExecReload with its pid", () => {
    const unit =
      "[Service]\nType=notify\nExecStart=/usr/bin/python3 /x\nExecReload=/bin/kill -USR1 $MAINPID\nRestart=always\nRestartSec=200ms\n";
    assert.deepEqual(longRunningUnits({ "/etc/systemd/system/m.service": unit }), [
      "/etc/systemd/system/m.service",
    ]);
    assert.equal(restartSeconds(unit), 0.2);
    assert.equal(restartSeconds("RestartSec=2\n"), 2);
    assert.equal(restartSeconds(""), 0.1, "systemd's default");
    assert.equal(serviceCommand(unit), "while :; do /usr/bin/python3 /x; sleep 0.2; done");
    assert.equal(
      serviceCommand(`${unit}Nice=-10\n`),
      "while :; do nice -n -10 /usr/bin/python3 /x; sleep 0.2; done",
    );
    assert.equal(serviceCommand("[Service]\nExecStart=/y\n"), "/y", "no Restart=: once");
    assert.equal(reloadCommand(unit, "/run/m.pid"), "/bin/kill -USR1 $(head -n 1 /run/m.pid)");
  });

  it("renders bash that defines what the guest scripts read, from the stack and its RTX intent", () => {
    const { config, site } = loadAndRender(STACK);
    const env = renderGuestEnv(planTopology(config, site), parseRtxIntent(site.rtx.commands), site);
    const script = `${env}\necho "$MODE|\${GW_IP[gw-b]}|\${RTX_TUNNEL_OF[gw-b]}|\${RTX_TUN_MTU[1]}|\${RTX_FO_DEST[0]}|\${RTX_FO_HOPS[0]}|$EXEC_START|\${RTX_STATIC_ROUTES[1]}|$RTX_DETECTION_MS|\${EXTRA_ONESHOTS[0]}|$MOVER_RELOAD|$EC2_HOST|$EC2_ENDPOINT_IP|$VRRP_ADDR|$VRRP_LINK"`;
    const out = execFileSync("bash", ["-c", script], { encoding: "utf8" }).trim();
    assert.equal(
      out,
      "isatap|10.0.2.10|2|1440|10.0.0.0/16|1:1:1 2:2:0|/usr/local/sbin/vpc-ipip6-gateway-tunnels up|10.0.2.10/32 2|3000|/usr/local/libexec/vpc-ipip6-gateway/metrics --periodic|/bin/kill -USR1 $(head -n 1 /run/vpc-ipip6-gateway/route-mover.lock)|ec2.ap-northeast-1.amazonaws.com|10.0.255.11|169.254.254.141|vig-vrrp",
    );
  });

  it("refuses a render without the tunnels unit", () => {
    const { config, site } = loadAndRender(STACK);
    const broken = {
      ...site,
      gateways: site.gateways.map((g) => ({
        ...g,
        files: {
          ...g.files,
          "/etc/systemd/system/vpc-ipip6-gateway-tunnels.service": undefined as unknown as string,
        },
      })),
    };
    assert.throws(
      () => renderGuestEnv(planTopology(config, site), parseRtxIntent(site.rtx.commands), broken),
      /no \/etc\/systemd\/system\/vpc-ipip6-gateway-tunnels.service/,
    );
  });
});
