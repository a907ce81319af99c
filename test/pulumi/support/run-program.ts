/** Runs the Pulumi program for a stack file in a child process under mocks and returns its Capture. */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { Capture } from "./capture";
import { TEST_SECRETS } from "./secrets";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const HOST = path.join(__dirname, "program-host.ts");
const NAMESPACE = "vpc-ipip6-gateway";

export type RawConfig = Record<string, unknown>;

export interface ProgramRun {
  /** Stack file whose `config:` the program reads. */
  stackFile: string;
  /** Edits the raw config (keys as in the file) before it is handed to the program. */
  edit?: (config: RawConfig) => void;
  /** Program module; default: the project's index.ts. */
  program?: string;
  /** Per-output/registration timeout in the child. */
  timeoutMs?: number;
}

export function readStackConfig(stackFile: string): RawConfig {
  const document = parse(fs.readFileSync(stackFile, "utf8")) as { config: RawConfig };
  return document.config;
}

/** PULUMI_CONFIG as the engine passes it: every value a string, secrets decrypted, secret keys listed. */
export function pulumiConfigEnv(config: RawConfig): {
  PULUMI_CONFIG: string;
  PULUMI_CONFIG_SECRET_KEYS: string;
} {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (value && typeof value === "object" && "secure" in value) {
      const short = key.slice(NAMESPACE.length + 1) as keyof typeof TEST_SECRETS;
      if (!key.startsWith(`${NAMESPACE}:`) || !(short in TEST_SECRETS))
        throw new Error(`no test value for ${key}`);
      values[key] = TEST_SECRETS[short];
      secretKeys.push(key);
    } else {
      values[key] = typeof value === "object" ? JSON.stringify(value) : String(value);
    }
  }
  return {
    PULUMI_CONFIG: JSON.stringify(values),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys),
  };
}

export function runProgram(run: ProgramRun): Promise<Capture> {
  const config = readStackConfig(run.stackFile);
  run.edit?.(config);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vig-pulumi-"));
  const out = path.join(dir, "capture.json");
  const env = {
    ...process.env,
    ...pulumiConfigEnv(config),
    VIG_TEST_OUT: out,
    VIG_TEST_PROGRAM: run.program ?? path.join(REPO_ROOT, "index.ts"),
    VIG_TEST_TIMEOUT_MS: String(run.timeoutMs ?? 15000),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", HOST], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        if (code !== 0) {
          const failed = new Error(`program host exited ${code}:\n${output}`) as Error & {
            capture?: Capture;
          };
          if (fs.existsSync(out)) failed.capture = JSON.parse(fs.readFileSync(out, "utf8"));
          throw failed;
        }
        resolve(JSON.parse(fs.readFileSync(out, "utf8")) as Capture);
      } catch (error) {
        reject(error);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
