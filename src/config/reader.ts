/**
 * Problem-collecting readers for untyped config values. Each reader returns a typed value or
 * undefined and records a problem under the value's key path, so one pass reports everything.
 * Messages never include the value of a secret key (secrets are not read through here).
 */

import { Problem } from "./types";

export type Obj = Record<string, unknown>;

export class ConfigReader {
  readonly problems: Problem[] = [];

  report(path: string, message: string): undefined {
    this.problems.push({ path, message });
    return undefined;
  }

  /** An object with only the known keys; unknown keys are reported as likely typos. */
  object(path: string, value: unknown, known: readonly string[]): Obj | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "object" || Array.isArray(value)) {
      return this.report(path, `must be a mapping of ${known.join(", ")}`);
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        this.report(`${path}.${key}`, unknownKeyMessage(key, known));
      }
    }
    return value as Obj;
  }

  /** The value, or "is required" when it is missing (not when it was given but reported invalid). */
  required<T>(path: string, value: T | undefined): T | undefined {
    if (value !== undefined && value !== null) return value;
    if (this.hasProblemAt(path)) return undefined;
    return this.report(path, "is required");
  }

  private hasProblemAt(path: string): boolean {
    return this.problems.some(
      (p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`),
    );
  }

  string(path: string, value: unknown, pattern?: RegExp, expected?: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" && typeof value !== "number") {
      return this.report(path, "must be a string");
    }
    const text = String(value);
    if (pattern && !pattern.test(text)) {
      return this.report(path, `"${text}" is not ${expected ?? `of the form ${pattern.source}`}`);
    }
    return text;
  }

  integer(path: string, value: unknown, min: number, max: number): number | undefined {
    if (value === undefined || value === null) return undefined;
    const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof number !== "number" || !Number.isInteger(number)) {
      return this.report(path, `must be a whole number from ${min} to ${max}`);
    }
    if (number < min || number > max) {
      return this.report(path, `${number} is outside ${min}..${max}`);
    }
    return number;
  }

  boolean(path: string, value: unknown): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    return this.report(path, "must be true or false");
  }

  list(path: string, value: unknown): unknown[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) return this.report(path, "must be a list");
    return value;
  }

  /** A list whose items are all read by `item`; undefined unless every item is valid. */
  listOf<T>(
    path: string,
    value: unknown,
    item: (itemPath: string, v: unknown) => T | undefined,
    options: { min?: number; max?: number } = {},
  ): T[] | undefined {
    const items = this.list(path, value);
    if (!items) return undefined;
    const { min = 0, max = Infinity } = options;
    if (items.length < min || items.length > max) {
      const wanted =
        min === max ? `exactly ${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      this.report(path, `has ${items.length} item(s); ${wanted} expected`);
    }
    const read = items.map((v, i) =>
      v === null ? this.report(`${path}[${i}]`, "is empty") : item(`${path}[${i}]`, v),
    );
    return read.every((v) => v !== undefined) ? (read as T[]) : undefined;
  }
}

/** "unknown key (did you mean X?)" naming the closest known key within two edits. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const scored = known.map((k) => ({ k, d: editDistance(k.toLowerCase(), key.toLowerCase()) }));
  const closest = scored.filter((s) => s.d <= 2).sort((a, b) => a.d - b.d)[0];
  return closest
    ? `unknown key (did you mean "${closest.k}"?)`
    : `unknown key (known: ${known.join(", ")})`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
