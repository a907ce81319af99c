/** Helpers for rendering bash. Values are validated addresses and ids, quoted all the same. */

/** Single-quotes a word for bash. */
export function quote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** A bash array literal: (a b c). */
export function bashArray(words: readonly string[]): string {
  return `(${words.map(quote).join(" ")})`;
}

/** Joins lines into a file that ends with exactly one newline. */
export function fileOf(lines: readonly string[]): string {
  return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}
