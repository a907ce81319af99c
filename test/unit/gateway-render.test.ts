import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { ROLLING_ORDER } from "../../src/gateway/context";
import { PATHS } from "../../src/gateway/paths";
import { renderGateway } from "../../src/gateway/render";
import { exampleConfig } from "../support/stacks";

const isatap = exampleConfig("isatap");
const native = exampleConfig("native");
const [gwA, gwB] = [renderGateway(isatap, 0), renderGateway(isatap, 1)];

function bashSyntaxOk(script: string): string {
  const check = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
  return check.status === 0 ? "" : check.stderr;
}

describe("gateway rendering", () => {
  it("creates sit1 in ISATAP mode with the router in the PRL and the derived address", () => {
    const script = gwA.files[PATHS.tunnelsScript];
    assert.match(script, /ip tunnel add "\$SIT" mode isatap local "\$PRIVATE_IP"/);
    assert.match(script, /ip tunnel prl dev "\$SIT" prl-default "\$ISATAP_ROUTER"/);
    assert.match(script, /^ISATAP_ROUTER=10\.255\.2\.129$/m);
    assert.match(script, /^TUNNEL_LOCAL=2001:db8:1::5efe:a00:10a$/m);
    assert.match(script, /^ISATAP_NEXT_HOP=fe80::5efe:aff:281$/m);
    assert.match(script, /^ISATAP_LINK_MTU=1480$/m);
    assert.equal(gwB.tunnelAddress, "2001:db8:1::5efe:a00:20a");
  });

  it("creates tun0 as ipip6 with encaplimit none and the explicit MTU, routing every site CIDR", () => {
    const script = renderGateway(native, 0).files[PATHS.tunnelsScript];
    assert.match(
      script,
      /mode ipip6 local "\$TUNNEL_LOCAL" remote "\$RTX_ADDRESS" encaplimit none/,
    );
    assert.match(script, /ip link set "\$TUN" mtu "\$TUNNEL_MTU"/);
    assert.match(script, /^TUNNEL_MTU=1460$/m);
    assert.match(script, /^SITE_CIDRS=\(172\.20\.0\.0\/22 172\.20\.8\.0\/24\)$/m);
    assert.doesNotMatch(script, /mode isatap/, "native mode has no ISATAP link");
    assert.match(script, /wait_for_native_address/);
  });

  it("enables forwarding and clamps the MSS of forwarded SYNs both ways", () => {
    assert.match(gwA.files[PATHS.sysctl], /^net\.ipv4\.ip_forward = 1$/m);
    const nft = gwA.files[PATHS.nftables];
    assert.match(nft, /oifname "tun0" tcp flags syn \/ syn,rst tcp option maxseg size set rt mtu/);
    assert.match(nft, /iifname "tun0" .* maxseg size > 1400 tcp option maxseg size set 1400/);
    assert.match(nft, /^delete table inet vpc_ipip6_gateway$/m, "reloading replaces the table");
  });

  it("admits new SSH to the gateway itself only from sshAllowedCidrs, stateless, input hook only", () => {
    const input = (nft: string): string => nft.slice(nft.indexOf("chain input {"));
    const a = input(gwA.files[PATHS.nftables]);
    assert.match(a, /type filter hook input priority filter; policy accept;/);
    assert.match(
      a,
      /tcp dport 22 tcp flags syn \/ syn,ack ip saddr \{ 10\.0\.0\.0\/16 \} accept\n/,
    );
    assert.match(a, /\n {4}tcp dport 22 tcp flags syn \/ syn,ack drop\n {2}\}/, "the drop is last");
    assert.ok(a.indexOf(" accept") < a.indexOf(" drop"), "the allowed sources are accepted first");
    assert.doesNotMatch(a, /ct state|ip6 saddr/, "no conntrack; no IPv6 source configured");
    const forward = gwA.files[PATHS.nftables].slice(
      0,
      gwA.files[PATHS.nftables].indexOf("chain input"),
    );
    assert.doesNotMatch(forward, /dport 22|drop/, "forwarded traffic is untouched");
    const mixed = structuredClone(isatap);
    mixed.gateway.sshAllowedCidrs = ["192.0.2.0/24", "2001:db8:9::/48", "10.0.5.5/32"];
    const m = input(renderGateway(mixed, 1).files[PATHS.nftables]);
    assert.match(m, /ip saddr \{ 192\.0\.2\.0\/24, 10\.0\.5\.5\/32 \} accept/);
    assert.match(m, /ip6 saddr \{ 2001:db8:9::\/48 \} accept/);
  });

  it("runs VRRPv3 unicast between the two private IPs with the configured advert interval", () => {
    const a = gwA.files[PATHS.keepalivedConf];
    const b = gwB.files[PATHS.keepalivedConf];
    assert.match(a, /vrrp_version 3/);
    assert.match(a, /unicast_src_ip 10\.0\.1\.10\n\s+unicast_peer \{\n\s+10\.0\.2\.10\n/);
    assert.match(b, /unicast_src_ip 10\.0\.2\.10\n\s+unicast_peer \{\n\s+10\.0\.1\.10\n/);
    assert.match(a, /advert_int 0\.20/);
    assert.match(a, /priority 254\n/);
    assert.match(b, /priority 253\n/);
    assert.doesNotMatch(a, /nopreempt/, "the primary takes mastership back");
    assert.match(b, /^ {2}nopreempt$/m, "the standby never preempts");
    assert.match(a, /interface ens5/);
    assert.match(a, /vrrp_notify_fifo \/run\/vpc-ipip6-gateway\/vrrp\.fifo/);
    const sameRouterId = (conf: string) => /virtual_router_id (\d+)/.exec(conf)?.[1];
    assert.equal(sameRouterId(a), sameRouterId(b));
  });

  it("keeps the standby's VRRPv3 skew short, below the address owner, and never preempting", () => {
    const priority = (conf: string) => Number(/priority (\d+)/.exec(conf)?.[1]);
    const [primary, standby] = [gwA, gwB].map((g) => priority(g.files[PATHS.keepalivedConf]));
    // Skew_Time = (256 − priority) × Master_Adver_Interval / 256 (RFC 5798 §6.1), paid on every takeover
    const skewMs = ((256 - standby) * 200) / 256;
    assert.ok(skewMs <= 5, `standby skew ${skewMs} ms`);
    assert.ok(primary < 255 && standby < primary, `${primary} ${standby}`);
    // a rolling change sets the standby first: it outranks a primary still at an earlier revision's
    // 200, so only nopreempt (state BACKUP, as keepalived.conf(5) requires) keeps it from taking over
    assert.ok(standby > 200);
    const conf = gwB.files[PATHS.keepalivedConf];
    assert.match(conf, /^ {2}state BACKUP$/m);
    assert.match(conf, /^ {2}nopreempt$/m);
  });

  it("visits the standby first in a rolling change: lowest rendered priority first", () => {
    const priority = (conf: string) => Number(/priority (\d+)/.exec(conf)?.[1]);
    const rendered = [gwA, gwB].map((g) => priority(g.files[PATHS.keepalivedConf]));
    assert.deepEqual(ROLLING_ORDER, [1, 0]);
    assert.ok(rendered[ROLLING_ORDER[0]] < rendered[ROLLING_ORDER[1]], `${rendered}`);
  });

  it("keeps replies to the site on the tunnel ahead of image-added policy rules", () => {
    const script = gwA.files[PATHS.tunnelsScript];
    assert.match(script, /^SITE_RULE_PRIORITY=9000$/m);
    assert.match(script, /ip -4 rule add pref "\$SITE_RULE_PRIORITY" to "\$cidr" lookup main/);
    assert.match(script, /^ {4}site_rules_up$/m);
    assert.match(script, /^ {4}site_rules_down$/m);
    assert.match(gwA.files[PATHS.networkdDropIn], /^ManageForeignRoutingPolicyRules=no$/m);
  });

  it("checks every kernel module it uses before changing anything, naming module and kernel", () => {
    const install = gwA.installScript;
    assert.match(install, /for entry in 'sit:sit1 \(ISATAP\)' 'ip6_tunnel:tun0 \(ipip6\)' 'dummy:/);
    assert.match(install, /kernel \$kernel cannot load module \$\{entry%%:\*\}/);
    assert.ok(install.indexOf("modprobe -q") < install.indexOf("write_file() {"));
    assert.ok(install.indexOf("refuse_kernel '") < install.indexOf("modprobe -q"));
    assert.doesNotMatch(renderGateway(native, 0).installScript, /'sit:/, "native mode has no sit1");
  });

  it("reloads keepalived only when its configuration changed, and never restarts it", () => {
    const install = gwA.installScript;
    assert.match(
      install,
      /if was_changed \/etc\/keepalived\/keepalived\.conf; then systemctl reload keepalived\.service; fi/,
    );
    assert.doesNotMatch(install, /systemctl (restart|reload-or-restart) keepalived/);
  });

  it("runs a resident route mover: keepalived's FIFO, no notify script, the routes in its config", () => {
    const conf = gwA.files[PATHS.keepalivedConf];
    assert.match(conf, /^ {2}vrrp_notify_fifo \/run\/vpc-ipip6-gateway\/vrrp\.fifo$/m);
    assert.doesNotMatch(conf, /notify_master|^\s*notify\s/m);
    const config = JSON.parse(gwA.files[PATHS.routeMoverConfig]) as Record<string, unknown>;
    assert.deepEqual(config.routeTables, ["rtb-0aaa1111", "rtb-0bbb2222"]);
    assert.deepEqual(config.siteCidrs, ["192.168.10.0/24"]);
    assert.equal(config.instance, /vrrp_instance (\S+) \{/.exec(conf)?.[1]);
    const unit = gwA.files[PATHS.routeMoverUnit];
    assert.match(
      unit,
      /^ExecStart=\/usr\/bin\/python3 -I -S \/usr\/local\/libexec\/vpc-ipip6-gateway\/route-mover \/etc\/vpc-ipip6-gateway\/route-mover\.json$/m,
    );
    assert.match(unit, /^Restart=always$/m);
    assert.match(unit, /^RestartSec=200ms$/m);
    assert.match(unit, /^StartLimitIntervalSec=0$/m);
    assert.match(unit, /^StateDirectory=vpc-ipip6-gateway$/m);
    assert.match(gwA.files[PATHS.routeMoverScript], /^#!\/usr\/bin\/python3\n/);
  });

  it("runs the same mover a second time as the active one's hot spare, enabled and restarted alike", () => {
    const main = gwA.files[PATHS.routeMoverUnit];
    const spare = gwA.files[PATHS.routeMoverSpareUnit];
    const execStart = (unit: string) => /^ExecStart=(.*)$/m.exec(unit)?.[1];
    assert.ok(execStart(spare) && execStart(spare) === execStart(main));
    for (const line of ["Restart=always", "Type=notify", "ExecReload=/bin/kill -USR1 $MAINPID"])
      assert.ok(spare.split("\n").includes(line), line);
    // keepalived waits for the main unit's FIFO only; the spare is no part of its start
    assert.doesNotMatch(spare, /^Before=keepalived/m);
    const install = gwA.installScript;
    assert.match(install, /^systemctl enable .*vpc-ipip6-gateway-route-mover-spare\.service/m);
    assert.match(
      install,
      /then systemctl restart vpc-ipip6-gateway-route-mover-spare\.service; fi/,
    );
    assert.match(gwA.removeScript, /disable --now .*vpc-ipip6-gateway-route-mover-spare\.service/);
  });

  it("starts keepalived after the route mover, which creates the FIFO keepalived writes to", () => {
    const dropIn = gwA.files[PATHS.keepalivedDropIn];
    assert.match(dropIn, /^After=.* vpc-ipip6-gateway-route-mover\.service$/m);
    assert.match(dropIn, /^Wants=.* vpc-ipip6-gateway-route-mover\.service$/m);
    assert.doesNotMatch(dropIn, /ExecStartPost/);
  });

  it("the install removes the forking mover of earlier versions and restarts the mover only when it changed", () => {
    const install = gwA.installScript;
    assert.match(install, /systemctl disable --now vpc-ipip6-gateway-reassert\.timer/);
    assert.match(install, /rm -f \/usr\/local\/libexec\/vpc-ipip6-gateway\/notify-master/);
    assert.match(install, /then systemctl restart vpc-ipip6-gateway-route-mover\.service; fi/);
  });

  it("renders bash that parses", () => {
    for (const gateway of [gwA, gwB, renderGateway(native, 0)]) {
      for (const path of [PATHS.tunnelsScript, PATHS.proberScript]) {
        assert.equal(bashSyntaxOk(gateway.files[path]), "", `${gateway.name} ${path}`);
      }
      assert.equal(bashSyntaxOk(gateway.installScript), "", `${gateway.name} install`);
      assert.equal(bashSyntaxOk(gateway.removeScript), "", `${gateway.name} remove`);
      assert.equal(bashSyntaxOk(gateway.healthWaitScript), "", `${gateway.name} health wait`);
    }
  });

  it("installs every file it renders, and removes every one", () => {
    for (const [path, content] of Object.entries(gwA.files)) {
      const encoded = Buffer.from(content).toString("base64").slice(0, 60);
      assert.ok(
        gwA.installScript.includes(`write_file ${path} ${gwA.fileModes[path]} <<'EOF'`),
        path,
      );
      assert.ok(gwA.installScript.includes(encoded), `${path} content`);
      assert.ok(gwA.removeScript.includes(path), `${path} removed`);
    }
  });

  it("is byte-identical for the same inputs and changes only with them", () => {
    assert.deepEqual(renderGateway(isatap, 0), gwA);
    const other = { ...isatap, ipv6: { ...isatap.ipv6, pathMtu: 1400 } };
    const changed = renderGateway(other, 0);
    assert.notEqual(changed.files[PATHS.tunnelsScript], gwA.files[PATHS.tunnelsScript]);
    assert.equal(changed.files[PATHS.proberScript], gwA.files[PATHS.proberScript]);
  });
});
