/** Command line of `npm run lab -- [--stack-file <path>] [--json <file>]`. */

export const DEFAULT_STACK_FILE = "stacks/Pulumi.example-isatap.yaml";

export interface LabArgs {
  stackFile: string;
  jsonFile?: string;
  /** Keep QEMU's guest at one vCPU (default 2); for comparing timings. */
  cpus: number;
}

export function parseLabArgs(argv: readonly string[]): LabArgs {
  const args: LabArgs = { stackFile: DEFAULT_STACK_FILE, cpus: 2 };
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
    } else
      throw new Error(
        `unknown argument ${flag} (usage: npm run lab -- [--stack-file <path>] [--json <file>])`,
      );
  }
  return args;
}
