/**
 * The host side of the lab: the Debian packages it needs (installed with apt-get when missing) and
 * the Debian kernel image, downloaded and unpacked into the cache, never installed.
 */

import * as fs from "fs";
import * as path from "path";
import { bash, commandExists, run } from "./shell";

/** Debian packages and a command (or an absolute file) each provides, to tell whether it is installed. */
export const HOST_PACKAGES: [pkg: string, command: string][] = [
  ["qemu-system-x86", "qemu-system-x86_64"],
  ["busybox-static", "busybox"],
  ["iproute2", "ip"],
  ["nftables", "nft"],
  ["tcpdump", "tcpdump"],
  ["keepalived", "keepalived"],
  ["iputils-ping", "ping"],
  ["procps", "sysctl"],
  ["gzip", "gzip"],
  // the route mover's curl and flock, Debian's python3 for the EC2/IMDS stand-in, openssl for its CA
  ["curl", "curl"],
  ["util-linux", "flock"],
  ["python3-minimal", "/usr/bin/python3.11"],
  // http.server, ssl, hashlib and the rest the stand-in imports are not in python3-minimal
  ["libpython3.11-stdlib", "/usr/lib/python3.11/http/server.py"],
  ["openssl", "openssl"],
];

export function ensurePackages(logFile: string, say: (text: string) => void): void {
  const installed = (probe: string) =>
    probe.startsWith("/") ? fs.existsSync(probe) : commandExists(probe);
  const missing = HOST_PACKAGES.filter(([, probe]) => !installed(probe)).map(([pkg]) => pkg);
  if (missing.length === 0) return;
  say(`installing Debian packages: ${missing.join(" ")}`);
  run("apt-get", ["update"], { logFile });
  run("apt-get", ["install", "-y", "--no-install-recommends", ...missing], {
    logFile,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

export interface Kernel {
  version: string;
  /** The unpacked package's root: boot/vmlinuz-VERSION, lib/modules/VERSION. */
  root: string;
  vmlinuz: string;
}

function kernelAt(root: string): Kernel | undefined {
  const modules = path.join(root, "lib", "modules");
  if (!fs.existsSync(modules)) return undefined;
  const version = fs.readdirSync(modules)[0];
  const vmlinuz = path.join(root, "boot", `vmlinuz-${version}`);
  if (
    !version ||
    !fs.existsSync(vmlinuz) ||
    !fs.existsSync(path.join(modules, version, "modules.dep"))
  ) {
    return undefined;
  }
  return { version, root, vmlinuz };
}

/** The kernel series the lab boots: Debian 12's own 6.1, or 6.12 from bookworm's security archive. */
export type KernelSeries = "6.1" | "6.12";
export const KERNEL_SERIES: readonly KernelSeries[] = ["6.1", "6.12"];

/** The meta-package that points at the newest image of a series. */
export function kernelMetaPackage(series: KernelSeries): string {
  return series === "6.1" ? "linux-image-amd64" : "linux-image-6.12-amd64";
}

/** Where a series is unpacked in the cache (6.1 keeps the directory it always had). */
export function kernelCacheDir(cacheDir: string, series: KernelSeries): string {
  return path.join(cacheDir, series === "6.1" ? "kernel" : `kernel-${series}`);
}

/** The image package a meta-package points at, e.g. linux-image-6.1.0-56-amd64. */
function kernelPackage(logFile: string, meta: string): string {
  const find = () =>
    /Depends: (linux-image-\S+)/.exec(run("apt-cache", ["depends", meta], { logFile }))?.[1];
  let pkg: string | undefined;
  try {
    pkg = find();
  } catch {
    pkg = undefined;
  }
  if (!pkg) {
    run("apt-get", ["update"], { logFile });
    pkg = find();
  }
  if (!pkg) throw new Error(`apt-cache knows no ${meta} dependency (is this Debian 12?)`);
  return pkg;
}

/** Downloads and unpacks the kernel into cacheDir/kernel once; later runs reuse it. */
export function ensureKernel(
  cacheDir: string,
  logFile: string,
  say: (text: string) => void,
  series: KernelSeries = "6.1",
): Kernel {
  const dir = kernelCacheDir(cacheDir, series);
  const root = path.join(dir, "root");
  const cached = kernelAt(root);
  if (cached) return cached;
  const pkg = kernelPackage(logFile, kernelMetaPackage(series));
  say(`downloading and unpacking ${pkg} (not installed on this host)`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  run("apt-get", ["download", pkg], { cwd: dir, logFile });
  bash(`dpkg-deb -x ${pkg}_*.deb root && rm -f ${pkg}_*.deb`, { cwd: dir, logFile });
  const version = fs.readdirSync(path.join(root, "lib", "modules"))[0];
  // the .deb ships no modules.dep: its postinst makes it
  run("busybox", ["depmod", "-b", root, version], { logFile });
  const kernel = kernelAt(root);
  if (!kernel) throw new Error(`unpacked ${pkg} but found no kernel in ${root}`);
  return kernel;
}
