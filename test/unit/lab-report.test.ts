import assert from "node:assert/strict";
import { buildReport, formatReport, LabContext, parsePingSummary } from "../../lab/report";
import { GuestResults, parseConsole } from "../../lab/results";

const CTX: LabContext = {
  stackFile: "stacks/x.yaml",
  site: "osaka",
  mode: "isatap",
  tunnelMtu: 1440,
  tunnelMss: 1400,
  rtxDetectionBoundMs: 3000,
  rtxKeepaliveIntervalMs: 1000,
  primary: "gw-a",
  standby: "gw-b",
  routeTableIds: ["rtb-1"],
  siteCidrs: ["192.168.10.0/24"],
  splitTimerPeriodS: 2,
};

const SPLIT_AT = 2000;
const HEAL_AT = 2014;

/** One line of the EC2 stand-in's call log. */
function call(
  t: number,
  caller: string,
  action: string,
  eni: string,
  moved: boolean,
  code?: string,
) {
  const mutating = action.endsWith("Route");
  return JSON.stringify({
    caller,
    action,
    table: mutating ? "rtb-1" : null,
    cidr: mutating ? "192.168.10.0/24" : null,
    eni: mutating ? eni : null,
    status: code ? 503 : 200,
    code: code ?? null,
    moved,
    t,
  });
}

/**
 * A split brain as it should go: gw-b's notify moves the route to itself once; the timer's runs on
 * both only read; after the heal gw-b (no longer master) hands it back once.
 */
function splitBrainLines(extra: string[] = []): string[] {
  const calls = [
    call(1990, "gw-a", "DescribeRouteTables", "", false),
    call(2000.9, "gw-b", "ReplaceRoute", "eni-b", true),
    ...[2002, 2005, 2008, 2011].flatMap((t) => [
      call(t, "gw-a", "DescribeRouteTables", "", false),
      call(t + 0.5, "gw-b", "DescribeRouteTables", "", false),
    ]),
    call(2003, "gw-a", "DescribeNetworkInterfaces", "", false),
    ...extra,
    call(2016, "gw-b", "ReplaceRoute", "eni-a", true),
  ];
  const runs = [2001, 2004, 2007, 2010].flatMap((t) => [
    `${t} ${t + 1} gw-a 0`,
    `${t + 0.5} ${t + 1.5} gw-b 0`,
  ]);
  return [
    ...calls.map((c) => `@@LOG aws-calls.jsonl ${c}`),
    '@@LOG aws-calls.jsonl {"imds": "/latest/api/token", "method": "PUT", "caller": "gw-a", "status": 200, "t": 2001}',
    ...runs.map((r) => `@@LOG timer-runs.log ${r}`),
  ];
}

/** Console lines for one probe run: `lost` sequence numbers never arrive. */
function probeLines(tag: string, dir: string, sent: number, lost: number[]): string[] {
  const lines = [`@@LAB probes ${tag} ${dir} sent ${sent}`];
  for (let seq = 1; seq <= sent; seq++) {
    if (lost.includes(seq)) continue;
    const t = (1000 + seq * 0.1).toFixed(6);
    lines.push(
      `@@LAB rx ${tag} ${dir} ${t} IP 10.0.255.10 > 192.168.10.10: ICMP echo request, id 1, seq ${seq}, length 64`,
    );
  }
  return lines;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function healthyConsole(): string[] {
  const values: Record<string, string> = {
    converged: "true",
    "ping.vpcToSite": "20 packets transmitted, 20 received, 0% packet loss, time 3837ms",
    "ping.siteToVpc": "20 packets transmitted, 20 received, 0% packet loss, time 3888ms",
    "pmtu.vpcToSite": "1440",
    "pmtu.siteToVpc": "1440",
    "mss.observedAtSite": "1400",
    "mss.observedAtVpc": "1400",
    "mss.observedOnGatewayTunnel": "1400",
    "gatewayCrash.activeAfter": "gw-b",
    "gatewayCrash.rtxTunnelAfter": "2",
    "gatewayCrash.routeTable.rtb-1": "gw-b",
    "tunnelFailure.activeAfter": "gw-b",
    "tunnelFailure.rtxTunnelAfter": "2",
    "tunnelFailure.routeTable.rtb-1": "gw-b",
    "reboot.recovered": "true",
    "reboot.recoveryMs": "7000",
    "execStop.rc": "0",
    "execStop.linksLeft": "",
    "execStartAgain.rc": "0",
    "execStartTwice.rc": "0",
    kernel: "6.12.117+deb12-amd64",
    "policy.gw-a.replyDev": "tun0",
    "policy.gw-b.replyDev": "tun0",
    "splitBrain.eventAt": String(SPLIT_AT),
    "splitBrain.bothMaster": "true",
    "splitBrain.bothMasterMs": "820",
    "splitBrain.bothMasterAtEnd": "true",
    "splitBrain.routeTable.rtb-1": "gw-b",
    "splitBrain.healAt": String(HEAL_AT),
    "splitBrain.healed": "true",
    "splitBrain.healMs": "2600",
    "splitBrain.endAt": "2017",
    "splitHealed.routeTable.rtb-1": "gw-a",
  };
  return [
    "@@LAB progress booting",
    ...Object.entries(values).map(([k, v]) => `@@LAB value ${k} ${v}`),
    ...probeLines("gatewayCrash", "vpcToSite", 90, range(21, 27)),
    ...probeLines("gatewayCrash", "siteToVpc", 90, range(21, 55)),
    ...probeLines("tunnelFailure", "vpcToSite", 90, range(21, 29)),
    ...probeLines("tunnelFailure", "siteToVpc", 90, range(21, 55)),
    ...probeLines("failbackTunnel", "vpcToSite", 60, []),
    ...probeLines("failbackTunnel", "siteToVpc", 60, [30]),
    ...probeLines("failbackReboot", "vpcToSite", 60, []),
    ...probeLines("failbackReboot", "siteToVpc", 60, []),
    ...probeLines("splitBrain", "vpcToSite", 180, []),
    ...probeLines("splitBrain", "siteToVpc", 180, []),
    ...splitBrainLines(),
    "@@LOG gw-a/boot.log tunnels: up",
    "@@LAB end rc=0",
  ];
}

function failing(results: GuestResults): string[] {
  return buildReport(results, CTX)
    .checks.filter((c) => !c.pass)
    .map((c) => c.name);
}

describe("lab: report and checks", () => {
  it("reads ping totals", () => {
    assert.deepEqual(parsePingSummary("20 packets transmitted, 19 received, 5% packet loss"), {
      sent: 20,
      received: 19,
    });
    assert.deepEqual(parsePingSummary(undefined), { sent: 0, received: 0 });
  });

  it("files console lines into values, probe captures and logs", () => {
    const r = parseConsole(healthyConsole());
    assert.equal(r.values["pmtu.vpcToSite"], "1440");
    assert.equal(r.values["execStop.linksLeft"], "");
    assert.equal(r.probes.gatewayCrash.vpcToSite.sent, 90);
    assert.equal(r.probes.gatewayCrash.vpcToSite.lines.length, 83);
    assert.deepEqual(r.logs["gw-a/boot.log"], ["tunnels: up"]);
    assert.equal(r.endRc, 0);
  });

  it("passes every check on a run within the targets and fills the issue's fields", () => {
    const report = buildReport(parseConsole(healthyConsole()), CTX);
    assert.deepEqual(failing(parseConsole(healthyConsole())), []);
    assert.deepEqual(report.failover.gatewayCrash.vpcToSite, {
      outageMs: 700,
      lostProbes: 7,
      sent: 90,
      received: 83,
      recovered: true,
    });
    assert.equal(report.failover.tunnelFailure.siteToVpc.outageMs, 3500);
    assert.deepEqual([report.failback.lostProbes, report.failback.outageMs], [1, 100]);
    assert.deepEqual(report.pmtu, { expected: 1440, observed: 1440, observedSiteToVpc: 1440 });
    assert.match(formatReport(report), /All \d+ checks passed/);
  });

  it("fails the matching check when a target is missed", () => {
    const slow = healthyConsole().filter(
      (l) =>
        !l.startsWith("@@LAB rx gatewayCrash vpcToSite") &&
        !l.startsWith("@@LAB probes gatewayCrash vpcToSite"),
    );
    slow.push(...probeLines("gatewayCrash", "vpcToSite", 90, range(21, 32)));
    assert.deepEqual(failing(parseConsole(slow)), ["gateway crash: vpcToSite outage"]);

    const wrongMss = healthyConsole().map((l) =>
      l.replace("mss.observedAtVpc 1400", "mss.observedAtVpc 1460"),
    );
    assert.deepEqual(failing(parseConsole(wrongMss)), ["MSS in SYN at the VPC host"]);

    const leaksByEni = healthyConsole().map((l) =>
      l.replace("policy.gw-b.replyDev tun0", "policy.gw-b.replyDev ens5"),
    );
    assert.deepEqual(failing(parseConsole(leaksByEni)), [
      "gw-b: replies to the RTX's keepalive leave by the tunnel despite net-utils 2.4.0's rule",
    ]);

    const fastRtx = healthyConsole().filter(
      (l) => !/ (tunnelFailure|gatewayCrash) siteToVpc /.test(l),
    );
    fastRtx.push(
      ...probeLines("tunnelFailure", "siteToVpc", 90, range(21, 30)),
      ...probeLines("gatewayCrash", "siteToVpc", 90, range(21, 30)),
    );
    assert.deepEqual(failing(parseConsole(fastRtx)), ["RTX stand-in no faster than its keepalive"]);
  });

  it("counts route moves per route during a split brain from the stand-in's log, and fails on flapping", () => {
    const report = buildReport(parseConsole(healthyConsole()), CTX);
    const s = report.splitBrain;
    assert.deepEqual(s.routeMovesWhileSplit, { "rtb-1 192.168.10.0/24": 1 });
    assert.deepEqual(s.routeMovesAfterHeal, { "rtb-1 192.168.10.0/24": 1 });
    assert.deepEqual(s.reassertRunsWhileSplit, { "gw-a": 4, "gw-b": 4 });
    assert.deepEqual(s.ec2CallsWhileSplit, {
      ReplaceRoute: 1,
      DescribeRouteTables: 8,
      DescribeNetworkInterfaces: 1,
    });
    assert.equal(s.splitMs, 14000);

    // the master's timer takes the route back, the peer's notify-less timer never does: 2 moves
    const flapping = healthyConsole().filter((l) => !l.startsWith("@@LOG aws-calls.jsonl"));
    flapping.push(
      ...splitBrainLines([
        call(2005.7, "gw-a", "ReplaceRoute", "eni-a", true),
        call(2006, "gw-a", "ReplaceRoute", "eni-a", false), // same target again: no move
        call(2006.1, "gw-a", "ReplaceRoute", "eni-b", true, "RequestLimitExceeded"), // refused
      ]).filter((l) => l.startsWith("@@LOG aws-calls.jsonl")),
    );
    const flapped = buildReport(parseConsole(flapping), CTX);
    assert.equal(flapped.splitBrain.maxRouteMovesWhileSplit, 2);
    assert.equal(flapped.splitBrain.throttledWhileSplit, 1);
    assert.deepEqual(failing(parseConsole(flapping)), [
      "split brain: route moves per route while split",
    ]);

    const noLog = healthyConsole().filter((l) => !l.startsWith("@@LOG aws-calls.jsonl"));
    // no call logged is no evidence of anything: the check fails rather than count zero moves
    assert.deepEqual(failing(parseConsole(noLog)), [
      "split brain: route moves per route while split",
    ]);

    const fewRuns = healthyConsole().filter((l) => !/timer-runs.log 20(07|10)/.test(l));
    assert.deepEqual(failing(parseConsole(fewRuns)), [
      "split brain: re-assert timer runs on each gateway while split",
    ]);

    const oneMaster = healthyConsole().map((l) =>
      l.replace("splitBrain.bothMasterAtEnd true", "splitBrain.bothMasterAtEnd false"),
    );
    assert.deepEqual(failing(parseConsole(oneMaster)), [
      "split brain: both gateways master while VRRP is blocked",
    ]);
  });

  it("allows the RTX's worst case (a failure late between probes) and warns past the tighter figure", () => {
    const withSiteOutage = (lost: number[]) => {
      const lines = healthyConsole().filter((l) => !/ tunnelFailure siteToVpc /.test(l));
      lines.push(...probeLines("tunnelFailure", "siteToVpc", 90, lost));
      return buildReport(parseConsole(lines), CTX);
    };
    const late = withSiteOutage(range(21, 65)); // 4500 ms: over 3000 + 1000, within 4000 + 1000
    assert.equal(late.rtxDetectionWorstMs, 4000);
    assert.deepEqual(
      late.checks.filter((c) => !c.pass),
      [],
    );
    assert.ok(late.warnings.some((w) => /tunnelFailure: site->VPC outage 4500 ms is over/.test(w)));
    const tooSlow = withSiteOutage(range(21, 71)); // 5100 ms
    assert.deepEqual(
      tooSlow.checks.filter((c) => !c.pass).map((c) => c.name),
      ["tunnel failure: siteToVpc outage"],
    );
  });

  it("fails when the guest never finished, without inventing figures", () => {
    const cut = healthyConsole().filter(
      (l) => !l.startsWith("@@LAB end") && !l.includes("failbackReboot"),
    );
    const names = failing(parseConsole(cut));
    assert.ok(names.includes("guest ran to the end"));
    assert.ok(names.includes("failback after reboot: vpcToSite"));
  });
});
