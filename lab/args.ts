/** Command line of `npm run lab -- [--stack-file <path>] [--json <file>] [--kernel 6.1|6.12] [--repeat N]`. */

import { KERNEL_SERIES, KernelSeries } from "./host";

export const DEFAULT_STACK_FILE = "stacks/Pulumi.example-isatap.yaml";

export interface LabArgs {
  stackFile: string;
  jsonFile?: string;
  /** Keep QEMU's guest at one vCPU (default 2); for comparing timings. */
  cpus: number;
  kernel: KernelSeries;
  /** Boot the guest this many times; the report gives the failover figures' medians. */
  repeat: number;
}

export function parseLabArgs(argv: readonly string[]): LabArgs {
  const args: LabArgs = { stackFile: DEFAULT_STACK_FILE, cpus: 2, kernel: "6.1", repeat: 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const need = () => {
      if (value === undefined || value.startsWith("--")) throw new Error(`${flag} needs a value`);
      i++;
      return value;
    };
    if (flag === "--stack-file") args.stackFile = need();
    else if (flag === "--json") args.jsonFile = need();
    else if (flag === "--cpus") {
      args.cpus = Number(need());
      if (!Number.isInteger(args.cpus) || args.cpus < 1 || args.cpus > 4)
        throw new Error("--cpus takes 1..4");
    } else if (flag === "--kernel") {
      const series = need();
      if (!KERNEL_SERIES.includes(series as KernelSeries))
        throw new Error(`--kernel takes ${KERNEL_SERIES.join(" or ")}`);
      args.kernel = series as KernelSeries;
    } else if (flag === "--repeat") {
      args.repeat = Number(need());
      if (!Number.isInteger(args.repeat) || args.repeat < 1 || args.repeat > 20)
        throw new Error("--repeat takes 1..20");
    } else
      throw new Error(
        `unknown argument ${flag} (usage: npm run lab -- [--stack-file <path>] [--json <file>] [--kernel 6.1|6.12] [--repeat N])`,
      );
  }
  return args;
}
