/**
 * AFTER: the resident route mover's cost per failover, for bench.ts. The rendered mover runs
 * unchanged (python3 -I -S, its config rendered for the case) against the same stand-in as the
 * forking script; each failover is one MASTER line written to its FIFO as keepalived writes it.
 * Wall: from that write to the stand-in answering the case's last route. Processes: forks and
 * execs strace sees in the mover during the failover (threads are not counted). Memory: the
 * mover's resident set (VmRSS) before its first failover and after the last one; its hot spare's
 * (the same mover started a second time, waiting on the lock) and both processes' CPU while idle.
 */

import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { GatewayContext } from "../../src/gateway/context";
import {
  renderRouteMover,
  renderRouteMoverConfig,
  routeMoverConfig,
  VRRP_FIFO_NAME,
} from "../../src/gateway/route-mover";

export interface ResidentCase {
  routes: number;
  context: GatewayContext;
}

/** One EC2 call as the stand-in logged it. */
export interface AnsweredCall {
  action: string;
  status: number;
  table: string;
  t: number;
}

/** When the stand-in answered the case's routes (epoch s), from `since` on. */
function answers(c: ResidentCase, calls: AnsweredCall[], since: number): number[] {
  const tables = new Set(c.context.routeTableIds);
  return calls
    .filter(
      (x) => x.t >= since && x.status === 200 && /Route$/.test(x.action) && tables.has(x.table),
    )
    .map((x) => x.t);
}

export interface ResidentFigures {
  routes: number;
  runs: number;
  /** Median wall time from the FIFO line to the last route answered, s. */
  wallS: number;
  processesStarted: number;
  forks: number;
  rssIdleMiB: number;
  rssAfterMiB: number;
  /** RSS after the failovers minus RSS before them, bytes. */
  bytesAdded: number;
  /** CPU time used while idle, percent of one CPU, over idleS. */
  idleCpuPercent: number;
  /** The hot spare's resident set, ready and waiting on the lock. */
  spareRssMiB: number;
  /** The spare's CPU time while idle, percent of one CPU, over the same idleS. */
  spareIdleCpuPercent: number;
  idleS: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : NaN;
}

/** utime + stime of every thread, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

export async function residentRows(
  work: string,
  env: NodeJS.ProcessEnv,
  cases: ResidentCase[],
  calls: () => AnsweredCall[],
  runs: number,
  idleS: number,
): Promise<ResidentFigures[]> {
  const rows: ResidentFigures[] = [];
  for (const c of cases) {
    const dir = path.join(work, `resident-${c.routes}`);
    fs.mkdirSync(dir, { recursive: true });
    const script = path.join(dir, "route-mover");
    const config = path.join(dir, "route-mover.json");
    fs.writeFileSync(script, renderRouteMover());
    fs.writeFileSync(config, renderRouteMoverConfig(c.context));
    const journals = { active: "", spare: "" };
    const start = (role: "active" | "spare"): ChildProcess => {
      const child = spawn("python3", ["-I", "-S", script, config], {
        // CloudWatch is no part of the bench: a closed port, never the network
        env: {
          ...env,
          VIG_RUN_DIR: dir,
          VIG_STATE_DIR: dir,
          VIG_MASTER_AT_START: "0",
          VIG_CONNECT: "monitoring=127.0.0.1:1",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout?.on("data", (d: Buffer) => (journals[role] += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (journals[role] += d.toString()));
      return child;
    };
    const ready = async (role: "active" | "spare") => {
      for (let i = 0; !/^ready: /m.test(journals[role]); i++) {
        if (i > 400) throw new Error(`the ${role} mover did not get ready:\n${journals[role]}`);
        await sleep(25);
      }
    };
    const mover = start("active");
    const pid = mover.pid as number;
    let spare: ChildProcess | undefined;
    try {
      await ready("active");
      spare = start("spare");
      await ready("spare");
      if (!/^spare: /m.test(journals.spare)) throw new Error(`no spare:\n${journals.spare}`);
      const sparePid = spare.pid as number;
      await sleep(500);
      const instance = routeMoverConfig(c.context).instance;
      const fifo = fs.openSync(
        path.join(dir, VRRP_FIFO_NAME),
        fs.constants.O_RDWR | fs.constants.O_NONBLOCK,
      );
      const line = (state: string) => fs.writeSync(fifo, `INSTANCE "${instance}" ${state} 200\n`);
      const rssBefore = rssKiB(pid);
      const ticks0 = cpuTicks(pid);
      const spareTicks0 = cpuTicks(sparePid);
      await sleep(idleS * 1000);
      const idleTicks = cpuTicks(pid) - ticks0;
      const spareIdleTicks = cpuTicks(sparePid) - spareTicks0;
      const spareRss = rssKiB(sparePid);
      const walls: number[] = [];
      let forks = 0;
      let execs = 0;
      for (let i = 0; i < runs; i++) {
        // every other run under strace, which slows what it watches: counts only, no wall time
        for (const traced of [false, true]) {
          const out = path.join(dir, `strace-${i}`);
          const strace = traced
            ? spawn("strace", [
                "-f",
                "-qq",
                "-e",
                "trace=execve,clone,clone3,fork,vfork",
                "-o",
                out,
                "-p",
                String(pid),
              ])
            : undefined;
          if (strace) await sleep(500);
          const t0 = Date.now() / 1000;
          line("MASTER");
          while (answers(c, calls(), t0).length < c.routes) await sleep(2);
          if (!traced) walls.push(Math.max(...answers(c, calls(), t0)) - t0);
          line("BACKUP");
          await sleep(300);
          if (strace) {
            strace.kill("SIGINT");
            await new Promise((r) => strace.on("exit", r));
            for (const l of fs.readFileSync(out, "utf8").split("\n")) {
              if (/ execve\(/.test(l) && !/= -1 /.test(l)) execs++;
              if (/ (clone3?|v?fork)\(/.test(l) && !/CLONE_THREAD|resumed>|= -1 /.test(l)) forks++;
            }
          }
        }
      }
      fs.closeSync(fifo);
      const rssAfter = rssKiB(pid);
      const r = (x: number) => Math.round(x * 1000) / 1000;
      const sorted = [...walls].sort((a, b) => a - b);
      rows.push({
        routes: c.routes,
        runs,
        wallS: r(sorted[Math.floor(sorted.length / 2)]),
        processesStarted: execs,
        forks,
        rssIdleMiB: r(rssBefore / 1024),
        rssAfterMiB: r(rssAfter / 1024),
        bytesAdded: (rssAfter - rssBefore) * 1024,
        idleCpuPercent: r((idleTicks / 100 / idleS) * 100),
        idleS,
        spareRssMiB: r(spareRss / 1024),
        spareIdleCpuPercent: r((spareIdleTicks / 100 / idleS) * 100),
      });
    } finally {
      mover.kill("SIGKILL");
      spare?.kill("SIGKILL");
    }
  }
  return rows;
}
