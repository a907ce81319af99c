/**
 * Which ways back a router's firmware has, from its model and revision as `show environment`
 * prints them ("RTX1210 Rev.14.01.42 (…)"). Source: the YAMAHA RTX command reference
 * Rev.23.02.02 — 56.7.31 `rollback timer` and 56.7.32 `confirm` (notes: RTX5000/RTX3500 from
 * Rev.14.00.26, RTX1210 from Rev.14.01.26, RTX830 from Rev.15.02.03), 37.1 `schedule at`
 * (forms `+timer` missing on RTX5000/RTX3500 ≤ Rev.14.00.31, RTX1220 ≤ Rev.15.04.03, RTX1210
 * ≤ Rev.14.01.40, RTX830 ≤ Rev.15.02.02; `load` schedulable on every revision that has the
 * relative form). Models the reference does not list for these commands have neither.
 */

export interface Firmware {
  model: string;
  revision: string;
}

export interface Capabilities {
  rollbackTimer: boolean;
  relativeSchedule: boolean;
}

/** The model and revision named in `show environment` (or a banner), or null. */
export function parseFirmware(text: string): Firmware | null {
  const m = /\b((?:RTX|vRX)[\w-]*)\s+Rev\.(\d+\.\d+\.\d+)/.exec(text);
  return m ? { model: m[1], revision: m[2] } : null;
}

const LISTED = [
  "RTX5000",
  "RTX3510",
  "RTX3500",
  "RTX1300",
  "RTX1220",
  "RTX1210",
  "RTX840",
  "RTX830",
];

/** First revision with `rollback timer` / `confirm`, per model (absent: every listed revision). */
const ROLLBACK_FROM: Record<string, string> = {
  RTX5000: "14.00.26",
  RTX3500: "14.00.26",
  RTX1210: "14.01.26",
  RTX830: "15.02.03",
};

/** First revision with `schedule at <id> +<seconds>`, per model. */
const RELATIVE_FROM: Record<string, string> = {
  RTX5000: "14.00.32",
  RTX3500: "14.00.32",
  RTX1220: "15.04.04",
  RTX1210: "14.01.41",
  RTX830: "15.02.03",
};

function compareRevisions(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

function from(table: Record<string, string>, firmware: Firmware): boolean {
  const listed = LISTED.includes(firmware.model) || firmware.model.startsWith("vRX");
  if (!listed) return false;
  const minimum = table[firmware.model];
  return minimum === undefined || compareRevisions(firmware.revision, minimum) >= 0;
}

export function capabilities(firmware: Firmware | null): Capabilities {
  if (!firmware) return { rollbackTimer: false, relativeSchedule: false };
  return {
    rollbackTimer: from(ROLLBACK_FROM, firmware),
    relativeSchedule: from(RELATIVE_FROM, firmware),
  };
}

export function describeFirmware(firmware: Firmware | null): string {
  return firmware ? `${firmware.model} Rev.${firmware.revision}` : "an unrecognised firmware";
}
