/** Shared setup for the RTX client tests against the fake router. */
import { spawn } from "child_process";
import path from "path";
import { runRtx, RunOptions, Summary, Action } from "../../src/rtx/client";
import { FakeRtx, FakeRtxOptions } from "./fake-rtx";
import { EXAMPLE_RTX_COMMANDS } from "../support/rtx-example";

/** The example stack's rendered RTX commands (isatap, osaka). */
export const EXAMPLE = [...EXAMPLE_RTX_COMMANDS];

/** A site router with the user's own settings that must survive apply and remove. */
export const USER_CONFIG = [
  "ip lan1 address 192.168.10.1/24",
  "ip lan2 address 198.51.100.2/30",
  "ip route default gateway 198.51.100.1",
  "ip route 172.16.0.0/12 gateway tunnel 5",
  "ipv6 lan2 secure filter in 101000 101001 101099 dynamic 101080",
  "ipv6 filter 101000 pass * * icmp6",
  "ipv6 filter 101099 reject * *",
  "tunnel select 5",
  " description tunnel branch-ipsec",
  " tunnel encapsulation ipsec",
  " ipsec tunnel 105",
  " tunnel enable 5",
];

export interface Harness {
  rtx: FakeRtx;
  port: number;
  logs: string[];
  run(action: Action, extra?: Partial<RunOptions>): Promise<Summary>;
}

/**
 * What every run must leave, whatever happened: no saved configuration holding our revert
 * schedule (it would fire after every restart), and after a success none pending.
 */
function checkRevertInvariants(rtx: FakeRtx, succeeded: boolean): void {
  for (const text of rtx.savedTexts) {
    if (/^schedule at 99 \+/m.test(text))
      throw new Error(`a saved configuration holds our revert schedule:\n${text}`);
  }
  if (succeeded && rtx.pendingSchedules.length > 0)
    throw new Error(`a successful run left schedule(s) ${rtx.pendingSchedules.join(", ")} pending`);
}

export async function startFake(options: FakeRtxOptions = {}): Promise<Harness> {
  const rtx = new FakeRtx(options);
  const port = await rtx.start();
  const logs: string[] = [];
  const checked = async (run: Promise<Summary>): Promise<Summary> => {
    let summary: Summary;
    try {
      summary = await run;
    } catch (error) {
      checkRevertInvariants(rtx, false);
      throw error;
    }
    checkRevertInvariants(rtx, true);
    return summary;
  };
  return {
    rtx,
    port,
    logs,
    run: (action, extra = {}) =>
      checked(
        runRtx({
          action,
          commands: EXAMPLE,
          host: "127.0.0.1",
          port,
          user: rtx.user,
          hostKey: rtx.publicKey,
          password: rtx.password,
          adminPassword: rtx.adminPassword,
          timeoutMs: 4000,
          longTimeoutMs: 8000,
          settleMs: 10,
          log: (m) => logs.push(m),
          ...extra,
        }),
      ),
  };
}

export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the run to fail");
}

const ROOT = path.resolve(__dirname, "..", "..");

/** Runs bin/rtx.ts as `npm run rtx` would, with extra environment and the given stdin. */
/** The CLI's connection options and password environment for a harness's fake router (commands on stdin). */
export function cliTarget(h: Harness): { args: string[]; env: Record<string, string> } {
  const env = { RTX_PASSWORD: h.rtx.password, RTX_ADMIN_PASSWORD: h.rtx.adminPassword };
  const args = ["--host", "127.0.0.1", "--port", String(h.port), "--user", h.rtx.user];
  return { args: [...args, "--host-key", h.rtx.publicKey, "--commands", "-"], env };
}

export function runCli(
  args: string[],
  env: Record<string, string>,
  stdin: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "bin/rtx.ts", ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
