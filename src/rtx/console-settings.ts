/**
 * The console settings the client needs (no paging, 200 columns, ASCII/English) are part of the
 * router's configuration, so they are read first and put back before anything is saved.
 */

export interface ConsoleSettings {
  lines?: string;
  columns?: string;
  character?: string;
}

export interface ConsoleChange {
  setting: keyof ConsoleSettings;
  /** What we send to get the console we need. */
  set: string[];
  /** What puts it back. */
  restore: string;
}

/** Reads `console lines|columns|character` lines from `show config` (or its grep). */
export function parseConsoleSettings(output: string): ConsoleSettings {
  const settings: ConsoleSettings = {};
  for (const line of output.split("\n")) {
    const m = /^console\s+(lines|columns|character)\s+(\S+)\s*$/.exec(line.trim());
    if (m) settings[m[1] as keyof ConsoleSettings] = m[2];
  }
  return settings;
}

export function restoreLine(setting: keyof ConsoleSettings, original: string | undefined): string {
  return original === undefined ? `no console ${setting}` : `console ${setting} ${original}`;
}

/**
 * The changes needed. `console character` is `en.ascii` since Rev.14.01 and `ascii` before:
 * the form already in the config tells which; when absent, the new form is tried first.
 */
export function consoleChanges(current: ConsoleSettings): ConsoleChange[] {
  const changes: ConsoleChange[] = [];
  if (current.lines !== "infinity") {
    changes.push({
      setting: "lines",
      set: ["console lines infinity"],
      restore: restoreLine("lines", current.lines),
    });
  }
  if (current.columns === undefined || Number(current.columns) < 200) {
    changes.push({
      setting: "columns",
      set: ["console columns 200"],
      restore: restoreLine("columns", current.columns),
    });
  }
  const character = current.character;
  if (character !== "ascii" && character !== "en.ascii") {
    const set =
      character === undefined
        ? ["console character en.ascii", "console character ascii"]
        : [character.includes(".") ? "console character en.ascii" : "console character ascii"];
    changes.push({ setting: "character", set, restore: restoreLine("character", character) });
  }
  return changes;
}
