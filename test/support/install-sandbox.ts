/**
 * Runs a rendered install script as a gateway would (`sudo bash -s`, script on stdin, a clean
 * environment) against a fake Amazon Linux 2023: the stand-ins in al2023-standins/ come first on
 * PATH, and /etc, /usr/local, /var/lib, /run and /proc/meminfo are bind mounts of a temporary tree
 * in a private mount namespace (unshare), so the script's absolute paths land in the sandbox and
 * never in this machine's /etc, also when the tests run as root (CI does). Before the script runs,
 * the namespace proves each mount by a marker file only the sandbox holds; if one is missing the
 * run stops with exit 99 before a line of the script is read.
 */

import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const STANDINS = path.join(__dirname, "al2023-standins");
/** The directories the script writes under, each replaced by the sandbox's own. */
const MOUNTED = ["etc", "usr/local", "var/lib", "run"] as const;
const MARKER = ".vpc-ipip6-gateway-sandbox";
/** Real tools the rendered script calls that are not stand-ins (coreutils, awk). */
const REAL_TOOLS = [
  "bash",
  "awk",
  "base64",
  "cat",
  "chmod",
  "cmp",
  "dirname",
  "install",
  "mktemp",
  "mv",
  "rm",
  "stat",
];

/** What the fake Amazon Linux 2023 repository offers: package name → its effects. */
export type Repo = Record<string, string[]>;

/** The AL2023 packages the install script asks for, by what each provides. */
export const BASE_REPO: Repo = {
  keepalived: ["command keepalived", "unit keepalived.service"],
  nftables: ["command nft"],
  "curl-minimal": ["command curl"],
  "util-linux-core": ["command flock"],
  iputils: ["command ping"],
};

export interface Machine {
  /** `uname -r`, e.g. 6.1.161-183.298.amzn2023.aarch64. */
  kernel: string;
  /** MemTotal in kB (a t4g.nano reads about 460000). */
  memTotalKib: number;
  /** Modules the kernel's own package ships. */
  modules: string[];
  repo: Repo;
  /** fallocate fails with "Operation not supported" (dd is the way left). */
  fallocateUnsupported?: boolean;
  /** swapon refuses a fallocated file as having holes (dd is the way left). */
  fallocateHoles?: boolean;
}

export interface RunResult {
  status: number | null;
  stderr: string;
  /** Stand-in calls in order: "dnf -y -q install keepalived ... | swap=/var/lib/...". */
  calls: string[];
}

export class InstallSandbox {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "vig-install-"));
  readonly root = path.join(this.dir, "root");
  readonly state = path.join(this.dir, "state");
  readonly bin = path.join(this.dir, "bin");

  constructor(machine: Machine) {
    for (const d of MOUNTED) {
      fs.mkdirSync(path.join(this.root, d), { recursive: true });
      fs.writeFileSync(path.join(this.root, d, MARKER), "");
    }
    fs.mkdirSync(path.join(this.state, "repo"), { recursive: true });
    fs.mkdirSync(this.bin);
    for (const tool of REAL_TOOLS) fs.symlinkSync(realTool(tool), path.join(this.bin, tool));
    const write = (name: string, lines: string[]) =>
      fs.writeFileSync(path.join(this.state, name), lines.map((l) => `${l}\n`).join(""));
    write("kernel", [machine.kernel]);
    write("meminfo", [`MemTotal:       ${machine.memTotalKib} kB`, "MemFree:          100000 kB"]);
    write("modules", machine.modules);
    for (const name of [
      "swaps",
      "calls",
      "installed",
      "loaded",
      "formatted",
      "fallocated",
      "enabled",
      "active",
    ])
      write(name, []);
    write("packaged-units", []);
    for (const [pkg, effects] of Object.entries(machine.repo)) write(`repo/${pkg}`, effects);
    if (machine.fallocateUnsupported) write("fallocate-unsupported", []);
    if (machine.fallocateHoles) write("fallocate-holes", []);
  }

  /** Runs the script once; the sandbox keeps its files and state for the next run. */
  run(script: string): RunResult {
    const before = this.calls().length;
    const mounts = MOUNTED.map((d) => `mount --bind "$SANDBOX_ROOT/${d}" "/${d}"`).join("\n");
    const proofs = MOUNTED.map(
      (d) =>
        `[ -e "/${d}/${MARKER}" ] || { echo "sandbox: /${d} is not the sandbox" >&2; exit 99; }`,
    ).join("\n");
    const inNamespace = [
      "set -eu",
      mounts,
      'mount --bind "$STANDIN_STATE/meminfo" /proc/meminfo',
      proofs,
      'exec env -i PATH="$STANDINS:$SANDBOX_BIN" STANDIN_STATE="$STANDIN_STATE" SANDBOX_BIN="$SANDBOX_BIN" bash -s < "$SCRIPT"',
    ].join("\n");
    const scriptFile = path.join(this.dir, "install.sh");
    fs.writeFileSync(scriptFile, script);
    const asRoot = process.getuid?.() === 0;
    const result = spawnSync(
      "unshare",
      [
        "--mount",
        "--propagation",
        "private",
        ...(asRoot ? [] : ["--map-root-user"]),
        "bash",
        "-c",
        inNamespace,
      ],
      {
        encoding: "utf8",
        // No stdin: bash reads ~/.bashrc when its stdin looks like a network connection (a socket).
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
          SANDBOX_ROOT: this.root,
          STANDIN_STATE: this.state,
          SANDBOX_BIN: this.bin,
          STANDINS,
          SCRIPT: scriptFile,
        },
      },
    );
    if (result.error) throw result.error;
    if (result.status === 99) throw new Error(`install sandbox not in place: ${result.stderr}`);
    return { status: result.status, stderr: result.stderr, calls: this.calls().slice(before) };
  }

  /** A swap area the machine already has (the operator's own, or one from cloud-init). */
  markSwapActive(file: string): void {
    fs.appendFileSync(path.join(this.state, "swaps"), `${file}\n`);
  }

  /** Files the script left under the sandbox root, as absolute gateway paths, sorted. */
  files(): string[] {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name !== MARKER) found.push(`/${path.relative(this.root, full)}`);
      }
    };
    walk(this.root);
    return found.sort();
  }

  read(gatewayPath: string): string {
    return fs.readFileSync(path.join(this.root, gatewayPath), "utf8");
  }

  stateLines(name: string): string[] {
    return fs
      .readFileSync(path.join(this.state, name), "utf8")
      .split("\n")
      .filter((l) => l !== "");
  }

  calls(): string[] {
    return this.stateLines("calls");
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function realTool(name: string): string {
  for (const dir of ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]) {
    const candidate = path.join(dir, name);
    // Resolved: /usr/bin/awk is a link through /etc/alternatives, which the sandbox replaces.
    if (fs.existsSync(candidate)) return fs.realpathSync(candidate);
  }
  throw new Error(`install sandbox: ${name} is not installed on this machine`);
}
