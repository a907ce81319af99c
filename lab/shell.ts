/** Running host commands for the lab: quiet by default, their output kept in a log file. */

import { spawnSync } from "child_process";
import * as fs from "fs";

export interface RunOptions {
  cwd?: string;
  /** Appends stdout and stderr here instead of showing them. */
  logFile?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command; throws with the log's tail when it fails. Returns stdout. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (options.logFile)
    fs.appendFileSync(options.logFile, `$ ${command} ${args.join(" ")}\n${output}\n`);
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) {
    const tail = output.trim().split("\n").slice(-15).join("\n");
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${tail}`);
  }
  return result.stdout ?? "";
}

/** Runs a bash snippet (pipelines) the same way. */
export function bash(script: string, options: RunOptions = {}): string {
  return run("bash", ["-euo", "pipefail", "-c", script], options);
}

export function commandExists(name: string): boolean {
  return spawnSync("bash", ["-c", `command -v ${name}`], { encoding: "utf8" }).status === 0;
}
