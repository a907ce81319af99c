/** Reads the guest's serial console: @@LAB lines carry values, probe captures and progress. */

export type Direction = "vpcToSite" | "siteToVpc";

export interface ProbeCapture {
  sent?: number;
  lines: string[];
}

export interface GuestResults {
  values: Record<string, string>;
  probes: Record<string, Record<Direction, ProbeCapture>>;
  warnings: string[];
  logs: Record<string, string[]>;
  /** The guest's main script reached its end (its exit status), or undefined if it never did. */
  endRc?: number;
}

const LAB = /^@@LAB (\S+) ?(.*)$/;
const LOG = /^@@LOG (\S+) ?(.*)$/;

export function emptyResults(): GuestResults {
  return { values: {}, probes: {}, warnings: [], logs: {} };
}

function capture(results: GuestResults, tag: string, dir: string): ProbeCapture {
  if (dir !== "vpcToSite" && dir !== "siteToVpc") throw new Error(`unknown probe direction ${dir}`);
  results.probes[tag] ??= { vpcToSite: { lines: [] }, siteToVpc: { lines: [] } };
  return results.probes[tag][dir];
}

/** Folds one console line into the results; returns the progress text when it is a progress line. */
export function takeConsoleLine(results: GuestResults, line: string): string | undefined {
  const log = LOG.exec(line);
  if (log) {
    (results.logs[log[1]] ??= []).push(log[2]);
    return undefined;
  }
  const m = LAB.exec(line);
  if (!m) return undefined;
  const [, kind, rest] = m;
  const words = rest.split(" ");
  switch (kind) {
    case "progress":
      return rest;
    case "value":
      results.values[words[0]] = words.slice(1).join(" ");
      return undefined;
    case "warn":
      results.warnings.push(rest);
      return `warning: ${rest}`;
    case "probes":
      capture(results, words[0], words[1]).sent = Number(words[3]);
      return undefined;
    case "rx":
      capture(results, words[0], words[1]).lines.push(words.slice(2).join(" "));
      return undefined;
    case "end":
      results.endRc = Number(/rc=(\d+)/.exec(rest)?.[1] ?? NaN);
      return undefined;
    default:
      return undefined;
  }
}

export function parseConsole(lines: readonly string[]): GuestResults {
  const results = emptyResults();
  for (const line of lines) takeConsoleLine(results, line);
  return results;
}
