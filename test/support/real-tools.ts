/**
 * The real programs that read the gateway's rendered files (shellcheck, keepalived, nft,
 * systemd-analyze, cloud-init, sysctl), run against files in a temporary directory.
 * A missing program is installed with apt-get when the suite runs as root (ensureTools, as the
 * lab installs its own packages), and is otherwise a failure naming the package, never a skip.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Command -> the Debian package that provides it. */
export const TOOL_PACKAGES: Record<string, string> = {
  bash: "bash",
  shellcheck: "shellcheck",
  keepalived: "keepalived",
  nft: "nftables",
  "systemd-analyze": "systemd",
  "cloud-init": "cloud-init",
  sysctl: "procps",
  unshare: "util-linux",
  ip: "iproute2",
};

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], input?: string): RunResult {
  const result = spawnSync(command, args, { encoding: "utf8", input, timeout: 60000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function onPath(command: string): boolean {
  return run("sh", ["-c", 'command -v "$1"', "sh", command]).status === 0;
}

/**
 * Installs the Debian packages of the commands not on PATH (as root; nothing otherwise), starting
 * no service: a policy-rc.d that refuses every start is in place while apt-get runs.
 */
export function installMissingTools(commands: string[]): void {
  const missing = [
    ...new Set(commands.filter((c) => !onPath(c)).map((c) => TOOL_PACKAGES[c] ?? c)),
  ];
  if (missing.length === 0 || process.getuid?.() !== 0) return;
  const script = [
    "set -e",
    "policy=/usr/sbin/policy-rc.d",
    'if [ ! -e "$policy" ]; then printf \'#!/bin/sh\\nexit 101\\n\' >"$policy"; chmod 0755 "$policy"; trap \'rm -f "$policy"\' EXIT; fi',
    "export DEBIAN_FRONTEND=noninteractive",
    "apt-get update -q >&2",
    'apt-get install -y -q --no-install-recommends "$@" >&2',
  ].join("\n");
  const result = spawnSync("bash", ["-c", script, "bash", ...missing], {
    encoding: "utf8",
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 600000,
  });
  if (result.status !== 0) throw new Error(`apt-get install ${missing.join(" ")} failed`);
}

/** Installs what is missing (installMissingTools), then requires each command (requireTool). */
export function ensureTools(commands: string[]): void {
  installMissingTools(commands);
  for (const command of commands) requireTool(command);
}

/** Throws, naming the package, when a command is not on PATH. */
export function requireTool(command: string): void {
  if (onPath(command)) return;
  const pkg = TOOL_PACKAGES[command] ?? command;
  throw new Error(
    `${command} is not installed: apt-get install -y ${pkg} (Debian package "${pkg}"; run as root, the suite installs it). ` +
      "This suite checks every rendered file with its real reader and never skips one.",
  );
}

/** Namespaces (unshare -n) need root; the suite says so instead of failing obscurely. */
export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      "the rendered-file checks run keepalived, nft and sysctl in a private network namespace " +
        "(unshare -n), which needs root: run this suite as root (.ci/run does)",
    );
  }
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes `content` at `root` + the absolute gateway path, with the given octal mode. */
export function writeUnder(
  root: string,
  file: string,
  content: string | Buffer,
  mode = "0644",
): string {
  const target = path.join(root, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, content);
  fs.chmodSync(target, parseInt(mode, 8));
  return target;
}

/** The programs a unit runs: the first word of each Exec*= line, prefixes (-@:+!) removed. */
export function unitExecPaths(unitText: string): string[] {
  const paths: string[] = [];
  for (const line of unitText.split("\n")) {
    const match = /^Exec[A-Za-z]*=\s*[-@:+!]*(\S+)/.exec(line);
    if (match && match[1].startsWith("/")) paths.push(match[1]);
  }
  return paths;
}

/**
 * A root for `systemd-analyze verify --root`: the host's unit directory (sysinit.target and the
 * rest of the dependency graph, keepalived.service for its drop-in), the merged-/usr links, the
 * rendered files with their modes, and a copy of each other program a unit runs (they exist only
 * on the gateway otherwise, and verify checks each is executable).
 */
export function systemdRoot(files: Record<string, string>, modes: Record<string, string>): string {
  const root = tempDir("vig-systemd-root-");
  fs.mkdirSync(path.join(root, "usr", "lib", "systemd"), { recursive: true });
  const copy = run("cp", ["-a", "/usr/lib/systemd/system", path.join(root, "usr/lib/systemd/")]);
  if (copy.status !== 0) throw new Error(`copying the host's units failed: ${copy.stderr}`);
  for (const dir of ["bin", "sbin", "lib"]) fs.symlinkSync(`usr/${dir}`, path.join(root, dir));
  for (const [file, content] of Object.entries(files)) writeUnder(root, file, content, modes[file]);
  const units = [
    ...Object.entries(files)
      .filter(([file]) => file.startsWith("/etc/systemd/system/"))
      .map(([, text]) => text),
    readIfExists(path.join(root, "usr/lib/systemd/system/keepalived.service")),
  ];
  for (const program of units.flatMap(unitExecPaths)) {
    if (program in files || !fs.existsSync(program)) continue;
    writeUnder(root, program, fs.readFileSync(fs.realpathSync(program)), "0755");
  }
  return root;
}

function readIfExists(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
}
