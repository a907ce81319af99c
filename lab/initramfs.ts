/**
 * The guest's initramfs, in two archives the kernel unpacks one over the other:
 * - base: busybox, the host's own data-plane tools with their libraries, Debian's python3.11 with
 *   the standard-library files the EC2/IMDS stand-in loads, the kernel modules (built once per
 *   kernel and tool list, cached);
 * - run: /init, the guest scripts, the stand-ins, this run's rendered files, the lab CA and the
 *   EC2 endpoint's certificate, /etc/hosts (built every run).
 */

import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { GUEST_PYTHON, standinPythonFiles } from "./guest-python";
import { Kernel } from "./host";
import { bash, run } from "./shell";

/** Real tools the gateways' rendered files and the lab scripts run (everything else: busybox). */
export const GUEST_BINARIES = [
  "/usr/bin/bash",
  "/usr/sbin/ip",
  "/usr/sbin/nft",
  "/usr/bin/tcpdump",
  "/usr/sbin/keepalived",
  "/usr/bin/ping",
  "/usr/sbin/sysctl",
  // the route mover's network, lock and the EC2/IMDS stand-in (Debian 12: curl 7.88, --aws-sigv4
  // and --parallel; util-linux's flock, not busybox's applet)
  "/usr/bin/curl",
  "/usr/bin/flock",
  // coreutils' nice: the transition metric runs under it (Debian's busybox has no nice applet)
  "/usr/bin/nice",
  GUEST_PYTHON,
];

/** Modules loaded at boot; their dependencies come along from modules.dep. */
export const GUEST_MODULES = ["crc32c_generic", "veth", "dummy", "sit", "ip6_tunnel", "nf_tables"];
/** nftables expressions are modules too; all of them, the kernel loads what a ruleset uses. */
const NFT_MODULE = /\/nft_[a-z0-9_]+\.ko(\.xz)?:/;

const BASE_FORMAT = 2;

/** Module files (relative to lib/modules/VERSION) needed for `wanted` and every nft_* module. */
export function moduleClosure(modulesDep: string, wanted: readonly string[]): string[] {
  const files = new Set<string>();
  for (const line of modulesDep.split("\n")) {
    const [file, deps = ""] = line.split(":");
    if (!file) continue;
    const name = path.basename(file).replace(/\.ko(\.xz)?$/, "");
    if (!wanted.includes(name) && !NFT_MODULE.test(`/${file}:`)) continue;
    files.add(file);
    for (const dep of deps.trim().split(/\s+/).filter(Boolean)) files.add(dep);
  }
  return [...files].sort();
}

function sharedLibraries(binary: string): string[] {
  const out = run("ldd", [binary]);
  return out
    .split("\n")
    .map((l) => /=>\s*(\/\S+)/.exec(l)?.[1] ?? /^\s*(\/\S+)/.exec(l)?.[1])
    .filter((l): l is string => Boolean(l));
}

function copyInto(staging: string, file: string): void {
  const target = path.join(staging, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(fs.realpathSync(file), target);
  fs.chmodSync(target, fs.statSync(fs.realpathSync(file)).mode & 0o7777);
}

/** A host tool's identity for the cache key: an upgraded package rebuilds the base archive. */
function fingerprint(file: string): string {
  const stat = fs.statSync(fs.realpathSync(file));
  return `${file}:${stat.size}:${stat.mtimeMs}`;
}

function baseKey(kernel: Kernel, pythonFiles: readonly string[]): string {
  return crypto
    .createHash("sha256")
    .update(
      JSON.stringify([
        BASE_FORMAT,
        kernel.version,
        GUEST_BINARIES.map(fingerprint),
        GUEST_MODULES,
        pythonFiles,
      ]),
    )
    .digest("hex")
    .slice(0, 16);
}

function writeMinimalEtc(staging: string): void {
  const etc = path.join(staging, "etc");
  fs.writeFileSync(
    path.join(etc, "passwd"),
    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n",
  );
  fs.writeFileSync(path.join(etc, "group"), "root:x:0:\nnogroup:x:65534:\n");
  fs.writeFileSync(
    path.join(etc, "nsswitch.conf"),
    "passwd: files\ngroup: files\nhosts: files\nprotocols: files\nservices: files\n",
  );
  fs.writeFileSync(path.join(etc, "hosts"), "127.0.0.1 localhost\n");
  for (const f of ["/etc/protocols", "/etc/services"]) if (fs.existsSync(f)) copyInto(staging, f);
}

/** Builds (or reuses) cacheDir/initramfs/base-KEY.cpio.gz. */
export function ensureBaseArchive(cacheDir: string, kernel: Kernel, logFile: string): string {
  const dir = path.join(cacheDir, "initramfs");
  const pythonFiles = standinPythonFiles();
  const archive = path.join(dir, `base-${baseKey(kernel, pythonFiles)}.cpio.gz`);
  if (fs.existsSync(archive)) return archive;
  const staging = path.join(dir, "base-staging");
  fs.rmSync(staging, { recursive: true, force: true });
  for (const d of [
    "bin",
    "usr/bin",
    "usr/sbin",
    "proc",
    "sys",
    "dev",
    "run",
    "tmp",
    "etc",
    "var",
    "root",
    "lab",
  ]) {
    fs.mkdirSync(path.join(staging, d), { recursive: true });
  }
  fs.symlinkSync("bin", path.join(staging, "sbin"));
  fs.symlinkSync("../run", path.join(staging, "var", "run"));
  fs.copyFileSync(
    run("bash", ["-c", "command -v busybox"]).trim(),
    path.join(staging, "bin", "busybox"),
  );
  fs.chmodSync(path.join(staging, "bin", "busybox"), 0o755);
  const libs = new Set<string>();
  for (const binary of GUEST_BINARIES) {
    copyInto(staging, binary);
    for (const lib of sharedLibraries(binary)) libs.add(lib);
  }
  // python3 as Debian's python3-minimal names it; the stdlib's extension modules have libraries too
  fs.symlinkSync(path.basename(GUEST_PYTHON), path.join(staging, "usr", "bin", "python3"));
  for (const file of pythonFiles) {
    copyInto(staging, file);
    if (file.endsWith(".so")) for (const lib of sharedLibraries(file)) libs.add(lib);
  }
  for (const lib of libs) copyInto(staging, lib);
  writeMinimalEtc(staging);
  copyModules(staging, kernel);
  fs.writeFileSync(path.join(staging, "etc", "lab-modules"), GUEST_MODULES.join("\n") + "\n");
  fs.rmSync(archive, { force: true });
  bash(
    `cd ${staging} && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 > ${archive}.tmp && mv ${archive}.tmp ${archive}`,
    {
      logFile,
    },
  );
  fs.rmSync(staging, { recursive: true, force: true });
  return archive;
}

function copyModules(staging: string, kernel: Kernel): void {
  const modules = path.join(kernel.root, "lib", "modules", kernel.version);
  const target = path.join(staging, "lib", "modules", kernel.version);
  for (const file of moduleClosure(
    fs.readFileSync(path.join(modules, "modules.dep"), "utf8"),
    GUEST_MODULES,
  )) {
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.copyFileSync(path.join(modules, file), path.join(target, file));
  }
  for (const f of ["modules.builtin", "modules.order", "modules.builtin.modinfo"]) {
    if (fs.existsSync(path.join(modules, f)))
      fs.copyFileSync(path.join(modules, f), path.join(target, f));
  }
  run("busybox", ["depmod", "-b", staging, kernel.version]);
}

export interface RunFiles {
  /** Guest scripts folder (lab/guest). */
  guestDir: string;
  env: string;
  /** Gateway name -> absolute path -> [content, octal mode]. */
  rendered: Record<string, Record<string, [string, string]>>;
  /** Other files at their absolute path in the guest -> [content, octal mode]. */
  files: Record<string, [string, string]>;
}

/** Builds the per-run archive in outDir and returns the concatenated initrd. */
export function buildRunInitrd(
  outDir: string,
  base: string,
  files: RunFiles,
  logFile: string,
): string {
  const staging = path.join(outDir, "initramfs");
  fs.rmSync(staging, { recursive: true, force: true });
  const lab = path.join(staging, "lab");
  fs.mkdirSync(path.join(lab, "guest"), { recursive: true });
  fs.mkdirSync(path.join(staging, "usr", "bin"), { recursive: true });
  for (const name of fs.readdirSync(files.guestDir)) {
    const source = path.join(files.guestDir, name);
    if (fs.statSync(source).isFile()) fs.copyFileSync(source, path.join(lab, "guest", name));
  }
  fs.copyFileSync(path.join(files.guestDir, "init"), path.join(staging, "init"));
  fs.chmodSync(path.join(staging, "init"), 0o755);
  for (const name of fs.readdirSync(path.join(files.guestDir, "bin"))) {
    const target = path.join(staging, "usr", "bin", name);
    fs.copyFileSync(path.join(files.guestDir, "bin", name), target);
    fs.chmodSync(target, 0o755);
  }
  fs.writeFileSync(path.join(lab, "lab.env"), files.env);
  for (const [file, [content, mode]] of Object.entries(files.files)) {
    const target = path.join(staging, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content, { mode: parseInt(mode, 8) });
    fs.chmodSync(target, parseInt(mode, 8));
  }
  for (const [gateway, byPath] of Object.entries(files.rendered)) {
    for (const [file, [content, mode]] of Object.entries(byPath)) {
      const target = path.join(lab, "rendered", gateway, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
      fs.chmodSync(target, parseInt(mode, 8));
    }
  }
  const runArchive = path.join(outDir, "run.cpio.gz");
  const initrd = path.join(outDir, "initrd.gz");
  bash(`cd ${staging} && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 > ${runArchive}`, {
    logFile,
  });
  bash(`cat ${base} ${runArchive} > ${initrd}`, { logFile });
  return initrd;
}
