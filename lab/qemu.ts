/** Boots the guest under QEMU (TCG) and streams its serial console back line by line. */

import { spawn } from "child_process";
import * as fs from "fs";

export interface BootOptions {
  vmlinuz: string;
  initrd: string;
  memoryMb: number;
  cpus: number;
  timeoutS: number;
  consoleLog: string;
  /** Extra kernel command line words (the guest reads labtrace=1 to trace its scripts). */
  append?: string;
  onLine: (line: string) => void;
}

export function qemuArgs(
  o: Pick<BootOptions, "vmlinuz" | "initrd" | "memoryMb" | "cpus" | "append">,
): string[] {
  return [
    "-accel",
    "tcg,tb-size=64",
    "-m",
    String(o.memoryMb),
    "-smp",
    String(o.cpus),
    "-nographic",
    "-no-reboot",
    "-nic",
    "none",
    "-kernel",
    o.vmlinuz,
    "-initrd",
    o.initrd,
    "-append",
    `console=ttyS0 panic=-1 quiet${o.append ? ` ${o.append}` : ""}`,
  ];
}

/** Removes the terminal escapes and carriage returns a serial console carries. */
const ESC = String.fromCharCode(27);
const TERMINAL_ESCAPE = new RegExp(`${ESC}(\\[[0-9;?]*[a-zA-Z]|c)`, "g");

export function cleanConsoleLine(raw: string): string {
  return raw.replace(/\r/g, "").replace(TERMINAL_ESCAPE, "");
}

/** Resolves with QEMU's exit code once the guest powers off; "timeout" when it had to be killed. */
export function boot(o: BootOptions): Promise<number | "timeout"> {
  return new Promise((resolve, reject) => {
    const log = fs.createWriteStream(o.consoleLog);
    const child = spawn("qemu-system-x86_64", qemuArgs(o), { stdio: ["ignore", "pipe", "pipe"] });
    let pending = "";
    const take = (chunk: Buffer) => {
      log.write(chunk);
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) o.onLine(cleanConsoleLine(line));
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, o.timeoutS * 1000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (pending) o.onLine(cleanConsoleLine(pending));
      log.end();
      resolve(timedOut ? "timeout" : (code ?? -1));
    });
  });
}
