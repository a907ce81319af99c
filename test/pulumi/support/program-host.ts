/**
 * Runs one Pulumi program under mocks in this (child) process and writes a Capture as JSON.
 * Why a child process: the Pulumi runtime is process-global, so each stack gets a fresh one.
 *
 * Env: VIG_TEST_PROGRAM (module to load), VIG_TEST_OUT (JSON file to write), PULUMI_CONFIG and
 * PULUMI_CONFIG_SECRET_KEYS (set by the parent), VIG_TEST_TIMEOUT_MS (default 15000).
 * Exits non-zero when the program throws, logs an error, or any export or registration does
 * not resolve in time: a never-resolving Output fails the run instead of passing silently.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { Capture, CapturedExport } from "./capture";
import { installMocks } from "./mocks";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

const outFile = requireEnv("VIG_TEST_OUT");
const programPath = requireEnv("VIG_TEST_PROGRAM");
const timeoutMs = Number(process.env.VIG_TEST_TIMEOUT_MS ?? 15000);

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`program-host: ${name} is not set`);
  return value;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} did not resolve within ${timeoutMs} ms`)),
      timeoutMs,
    );
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}

/** Resolves an export (Outputs nested anywhere) to plain data, recording whether it is secret. */
async function resolveExport(name: string, value: unknown): Promise<CapturedExport> {
  const output: pulumi.Output<unknown> = pulumi.output(value as pulumi.Input<unknown>);
  // Output's internal promise() also rejects when the value fails (apply would just never run).
  const settle = (output as unknown as { promise(): Promise<unknown> }).promise();
  const plain = await withTimeout(settle, `export ${name}`);
  const secret = await withTimeout(pulumi.isSecret(output), `secretness of export ${name}`);
  return { value: plain ?? null, secret };
}

async function main(): Promise<void> {
  const failures: string[] = [];
  process.on("unhandledRejection", (reason) =>
    failures.push(`unhandled rejection: ${String(reason)}`),
  );
  const recorder = await installMocks();
  // Imported only now: resources created before setMocks would never resolve.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(programPath) as unknown;
  // An async program (index.ts) is a function the engine calls and awaits: its result is the outputs.
  let program: Record<string, unknown> = {};
  try {
    program = (
      loaded instanceof Function
        ? await withTimeout(Promise.resolve(loaded()), "the program")
        : loaded
    ) as Record<string, unknown>;
  } catch (error) {
    failures.push(`the program failed: ${(error as Error).message}`);
  }
  const exports: Record<string, CapturedExport> = {};
  for (const [name, value] of Object.entries(program)) {
    try {
      exports[name] = await resolveExport(name, value);
    } catch (error) {
      failures.push(`export ${name} failed: ${(error as Error).message}`);
    }
  }
  try {
    await withTimeout(settings.waitForRPCs(), "the program's resource registrations");
  } catch (error) {
    // A refusal inside an apply leaves registrations that never finish: still write the capture.
    failures.push((error as Error).message);
  }
  failures.push(...recorder.unfinished().map((urn) => `registration of ${urn} never completed`));
  failures.push(...recorder.callErrors);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const log = require("@pulumi/pulumi/log") as { hasErrors(): boolean };
  if (log.hasErrors()) failures.push("the program logged errors");
  const capture: Capture = {
    resources: recorder.resources,
    invokes: recorder.invokes,
    exports,
    registeredOutputs: recorder.registeredOutputs,
  };
  // Written on failure too, so a test can see what a failed run registered before it stopped.
  if (failures.length > 0) capture.failure = failures.join("\n");
  fs.writeFileSync(outFile, JSON.stringify(capture, null, 1));
  if (capture.failure) throw new Error(capture.failure);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`program-host: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
