/**
 * YAML mistakes in a stack file, in plain words: each problem names the file and line
 * ("stacks/x.yaml:37") and the key, one line per mistake. The yaml parser reports every line it
 * could not make sense of after a structural mistake (a tab gives one error and a run of
 * BAD_INDENT ones), so only the causes are kept: every tab used as indentation, or else the
 * first error, with a count of what was left out.
 */

import { Document, isMap, isScalar, isSeq, LineCounter, Node, YAMLError } from "yaml";
import { Problem } from "./types";

export function yamlSyntaxProblems(
  errors: readonly YAMLError[],
  text: string,
  lines: LineCounter,
  source: string,
): Problem[] {
  if (errors.length === 0) return [];
  const tabs = errors.filter((e) => e.code === "TAB_AS_INDENT");
  const causes = tabs.length > 0 ? tabs : errors.slice(0, 1);
  const leftOut = errors.length - causes.length;
  const textLines = text.split(/\r?\n/);
  return causes.map((e, i) => {
    const line = lines.linePos(e.pos[0]).line;
    const key = keyOnLine(textLines[line - 1] ?? "");
    const missing = missingColon(e, textLines[line - 1] ?? "");
    const message =
      e.code === "TAB_AS_INDENT"
        ? `a tab indents ${key ? `key "${key}"` : "this line"}; YAML indents with spaces only`
        : (missing ?? `${key ? `at key "${key}": ` : ""}${e.message}`);
    const note =
      i === causes.length - 1 && leftOut > 0
        ? ` (${leftOut} follow-on YAML error(s) not shown; fix this and run render again)`
        : "";
    return { path: `${source}:${line}`, message: message + note };
  });
}

/**
 * `name osaka` where `name: osaka` was meant: the yaml parser reads the line as the start of a
 * key running on to the next line ("Implicit keys need to be on a single line") or as a key
 * without a value ("Implicit map keys need to be followed by map values").
 */
function missingColon(error: YAMLError, line: string): string | undefined {
  const implicit =
    error.code === "MULTILINE_IMPLICIT_KEY" || /^Implicit map keys/.test(error.message);
  const m = /^[\t ]*(?:-[\t ]+)?([A-Za-z][\w.-]*)[\t ]+([^:#\s][^#]*?)\s*$/.exec(line);
  if (!implicit || !m || line.includes(": ")) return undefined;
  return `key "${m[1]}" has no colon after it: write "${m[1]}: ${m[2]}"`;
}

/** The key a line starts, as in "  name: osaka" or "- subnetId: x", if any. */
function keyOnLine(line: string): string | undefined {
  return /^[\t ]*(?:-[\t ]+)?(["']?)([^\s:#"'][^:#"']*?)\1[\t ]*:(?:[\t ]|$)/.exec(line)?.[2];
}

/**
 * Keys given twice in one mapping (YAML 1.2 §3.2.1.1 requires them unique). Pulumi would keep
 * one of the two silently; we name both lines.
 */
export function duplicateKeyProblems(
  document: Document,
  lines: LineCounter,
  source: string,
): Problem[] {
  const problems: Problem[] = [];
  const lineOf = (node: Node) => lines.linePos(node.range?.[0] ?? 0).line;
  const walk = (node: unknown, where: string): void => {
    if (isSeq(node)) node.items.forEach((item, i) => walk(item, `${where}[${i}]`));
    if (!isMap(node)) return;
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      const first = seen.get(name);
      if (first !== undefined) {
        problems.push({
          path: `${source}:${lineOf(pair.key)}`,
          message: `key "${name}" appears twice under ${where || "the top level"} (first at line ${first}); keep one`,
        });
      } else {
        seen.set(name, lineOf(pair.key));
      }
      walk(pair.value, childPath(where, name));
    }
  };
  walk(document.contents, "");
  return problems;
}

/** "config" at the top, then the config key itself ("vpc-ipip6-gateway:rtx"), then dotted. */
function childPath(where: string, name: string): string {
  if (where === "") return name;
  if (where === "config") return name;
  return `${where}.${name}`;
}
