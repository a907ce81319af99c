/**
 * npm run lab -- [--stack-file <path>] [--json <file>] [--kernel 6.1|6.12] [--repeat N]
 * Runs the data-plane lab (docs/lab.md): the stack's rendered gateway files and a
 * stand-in RTX in network namespaces of a Debian kernel booted under QEMU; prints a report and
 * exits non-zero when a check fails. Needs root (apt-get, QEMU); caches in .lab-cache/.
 */

import * as fs from "fs";
import * as path from "path";
import { PATHS } from "../src/gateway/paths";
import { parseLabArgs } from "./args";
import { GATEWAY_READ_SCRIPT } from "../src/status/gateway";
import { STATUS_READ_SCRIPT, standinGuestFiles } from "./aws-guest";
import { PROBER, replyBudgetProbes } from "../src/gateway/prober";
import { renderGuestEnv, SPLIT_TIMER_PERIOD_S, vrrpPlaceholder, vrrpTiming } from "./guest-env";
import { ensureKernel, ensurePackages } from "./host";
import { buildRunInitrd, ensureBaseArchive } from "./initramfs";
import { boot } from "./qemu";
import { parseArrivals } from "./probes";
import { summarizeRuns } from "./repeat";
import { buildReport, formatReport, LabContext, LabReport } from "./report";
import { emptyResults, GuestResults, takeConsoleLine } from "./results";
import { keepaliveDetectionBoundMs, parseRtxIntent } from "./rtx-intent";
import { loadAndRender } from "./stack";
import { FailoverTimeline } from "./failover-timeline";
import { failoverPhases, timelineSvg } from "./timeline-svg";
import { planTopology } from "./topology";

const REPO = path.resolve(__dirname, "..");
const CACHE = path.join(REPO, ".lab-cache");
const OUT = path.join(REPO, "lab", "out");
const started = Date.now();

function say(text: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[lab ${s}s] ${text}\n`);
}

function renderedFiles(site: ReturnType<typeof loadAndRender>["site"]) {
  return Object.fromEntries(
    site.gateways.map((g) => [
      g.name,
      Object.fromEntries(
        Object.entries(g.files).map(([file, content]) => [
          file,
          [content, g.fileModes[file] ?? "0644"],
        ]),
      ),
    ]),
  ) as Record<string, Record<string, [string, string]>>;
}

async function main(): Promise<number> {
  const args = parseLabArgs(process.argv.slice(2));
  if (process.getuid && process.getuid() !== 0)
    throw new Error("the lab needs root (apt-get, QEMU, namespaces)");
  fs.mkdirSync(CACHE, { recursive: true });
  fs.mkdirSync(OUT, { recursive: true });
  const hostLog = path.join(OUT, "host.log");
  fs.writeFileSync(hostLog, "");

  say(`stack ${args.stackFile}: validating and rendering`);
  const { config, site } = loadAndRender(args.stackFile);
  const intent = parseRtxIntent(site.rtx.commands);
  const topology = planTopology(config, site);
  const bound = Math.max(...intent.keepalives.map(keepaliveDetectionBoundMs));
  if (bound !== site.rtx.keepaliveDetectionMs) {
    say(
      `note: keepalive bound from the commands (${bound} ms) differs from rtx.keepaliveDetectionMs (${site.rtx.keepaliveDetectionMs} ms)`,
    );
  }

  for (const k of intent.keepalives) {
    if (k.downwaitS !== k.intervalS || k.upwaitS !== k.intervalS) {
      say(
        `note: keepalive ${k.id} has upwait/downwait ${k.upwaitS}/${k.downwaitS} s; the stand-in times probes out after the interval (${k.intervalS} s)`,
      );
    }
  }
  ensurePackages(hostLog, say);
  const kernel = ensureKernel(CACHE, hostLog, say, args.kernel);
  say(`kernel ${kernel.version}; building the initramfs`);
  const base = ensureBaseArchive(CACHE, kernel, hostLog);
  const env = renderGuestEnv(topology, intent, site);
  const initrd = buildRunInitrd(
    OUT,
    base,
    {
      guestDir: path.join(__dirname, "guest"),
      env,
      rendered: renderedFiles(site),
      files: {
        ...standinGuestFiles(topology, path.join(OUT, "aws")),
        // the status command's read-only script, as it sends it over SSH
        [STATUS_READ_SCRIPT]: [GATEWAY_READ_SCRIPT, "0644"],
      },
    },
    hostLog,
  );
  const standbyFiles = site.gateways.find((g) => g.name === topology.gateways[1].name)?.files;
  const standbyConf = standbyFiles?.[PATHS.keepalivedConf] ?? "";
  const ctx: LabContext = {
    stackFile: args.stackFile,
    site: site.site,
    mode: site.mode,
    tunnelMtu: site.tunnel.mtu,
    tunnelMss: site.tunnel.mss,
    rtxDetectionBoundMs: site.rtx.keepaliveDetectionMs,
    rtxKeepaliveIntervalMs: site.rtx.keepaliveIntervalMs,
    primary: topology.gateways[0].name,
    standby: topology.gateways[1].name,
    routeTableIds: topology.routeTableIds,
    siteCidrs: topology.siteCidrs,
    splitTimerPeriodS: SPLIT_TIMER_PERIOD_S,
    vrrpPlaceholder: vrrpPlaceholder(standbyConf).address,
    vrrpAdvertMs: vrrpTiming(standbyConf).advertMs,
    standbyPriority: vrrpTiming(standbyConf).priority,
    proberWorstDetectionMs:
      PROBER.intervalS * 1000 * PROBER.downAfter +
      replyBudgetProbes(config.failover.probeTimeoutMs) * PROBER.intervalS * 1000,
  };

  const reports: LabReport[] = [];
  let last: GuestResults | undefined;
  for (let i = 1; i <= args.repeat; i++) {
    say(
      `booting the guest under QEMU (TCG, ${args.cpus} vCPU)${args.repeat > 1 ? `, run ${i} of ${args.repeat}` : ""}; gateways ${topology.gateways.map((g) => `${g.name} ${g.privateIp}`).join(", ")}`,
    );
    last = await bootOnce(kernel.vmlinuz, initrd, args.cpus);
    const report = buildReport(last, ctx);
    reports.push(report);
    if (args.repeat > 1) {
      const f = report.failover;
      say(
        `run ${i}: crash ${f.gatewayCrash.vpcToSite.outageMs}/${f.gatewayCrash.siteToVpc.outageMs} ms, tunnel ${f.tunnelFailure.vpcToSite.outageMs}/${f.tunnelFailure.siteToVpc.outageMs} ms (VPC->site/site->VPC); ${report.checks.filter((c) => !c.pass).length} check(s) failed`,
      );
    }
  }
  const report = reports[reports.length - 1];
  if (args.repeat > 1) report.repeats = summarizeRuns(reports);
  report.durationS = Math.round((Date.now() - started) / 1000);
  process.stdout.write("\n" + formatReport(report) + "\n");
  say(
    `console log: ${path.relative(process.cwd(), path.join(OUT, "console.log"))}; guest logs: ${path.relative(process.cwd(), path.join(OUT, "guest-logs"))}/`,
  );
  const svgBase = args.jsonFile
    ? args.jsonFile.replace(/\.json$/, "")
    : path.join(OUT, `report-${args.kernel}`);
  for (const file of writeTimelines(last, report, svgBase)) say(`timeline: ${file}`);
  if (args.jsonFile) {
    fs.writeFileSync(args.jsonFile, JSON.stringify(report, null, 2) + "\n");
    say(`report written to ${args.jsonFile}`);
  }
  return reports.every((r) => r.checks.every((c) => c.pass)) ? 0 : 1;
}

async function bootOnce(vmlinuz: string, initrd: string, cpus: number): Promise<GuestResults> {
  const results = emptyResults();
  const consoleLog = path.join(OUT, "console.log");
  const code = await boot({
    vmlinuz,
    initrd,
    memoryMb: 512,
    cpus,
    timeoutS: 600,
    consoleLog,
    append: process.env.LAB_TRACE ? "labtrace=1" : undefined,
    onLine: (line) => {
      const progress = takeConsoleLine(results, line);
      if (progress) say(`guest: ${progress}`);
    },
  });
  if (code === "timeout")
    say("the guest did not power off in time: QEMU killed; the report shows what was measured");
  else if (code !== 0) say(`QEMU exited ${code}`);
  for (const [name, lines] of Object.entries(results.logs)) {
    const file = path.join(OUT, "guest-logs", name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, lines.join("\n") + "\n");
  }
  return results;
}

const TIMELINES: [tag: string, title: string, event: string][] = [
  ["tunnelFailure", "Tunnel-only failure of the primary", "tunnel cut"],
  ["gatewayCrash", "Crash of the primary gateway", "crash"],
  ["failbackTunnel", "Failback after the tunnel returns", "tunnel restored"],
  ["failbackReboot", "Failback after the primary reboots", "power on"],
  ["splitBrain", "Split brain: VRRP blocked between the gateways, both tunnels up", "VRRP blocked"],
];

/** The measured timeline of a failover scenario, if the report has one. */
function timelineOf(report: LabReport, tag: string): FailoverTimeline | undefined {
  return tag === "gatewayCrash" || tag === "tunnelFailure"
    ? report.failover[tag].timeline
    : undefined;
}

/** One SVG per scenario next to the JSON report (BASE-<scenario>.svg); returns the files. */
function writeTimelines(
  results: GuestResults | undefined,
  report: LabReport,
  base: string,
): string[] {
  if (!results) return [];
  const files: string[] = [];
  for (const [tag, title, event] of TIMELINES) {
    const probes = results.probes[tag];
    if (!probes) continue;
    const eventAt = Number(results.values[`${tag}.eventAt`]);
    const svg = timelineSvg({
      title: `${title} (${report.site}, ${report.mode}, kernel ${report.kernel})`,
      subtitle: `lab under QEMU TCG: probes every 100 ms each way, counted where they arrive`,
      eventAt: Number.isFinite(eventAt) ? eventAt : undefined,
      eventLabel: event,
      phases: timelineOf(report, tag)
        ? failoverPhases(timelineOf(report, tag) as FailoverTimeline)
        : [],
      rows: (["vpcToSite", "siteToVpc"] as const).map((d) => ({
        label: d === "vpcToSite" ? "VPC → site" : "site → VPC",
        sent: probes[d].sent ?? 0,
        arrivals: parseArrivals(probes[d].lines),
      })),
    });
    const file = `${base}-${tag}.svg`;
    fs.writeFileSync(file, svg);
    files.push(file);
  }
  return files;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`lab: ${error.message}\n`);
    process.exitCode = 2;
  },
);
