/**
 * Steps as the console takes them: a `tunnel select N` whenever the context changes, and the
 * lines that undo what was sent, newest first.
 */
import { Context, contextLabel, selectLine } from "./model";

export interface ContextLine {
  context: Context | null;
  line: string;
}

export interface Step extends ContextLine {
  /** What puts the router back as it was before this step. */
  undo: ContextLine;
}

export interface WireLine {
  line: string;
  /** The step this line carries out; absent for `tunnel select` lines. */
  step?: number;
}

function sameContext(a: Context | null, b: Context | null): boolean {
  return contextLabel(a) === contextLabel(b);
}

/**
 * Inserts `tunnel select N` whenever the context changes and closes with `tunnel select none`.
 * With `indent`, lines inside a block get one leading space (the `show config` layout) and
 * a block ends at the next unindented line instead.
 */
export function wireLines(steps: ContextLine[], options: { indent?: boolean } = {}): WireLine[] {
  const out: WireLine[] = [];
  let context: Context | null = null;
  steps.forEach((step, index) => {
    if (!sameContext(context, step.context)) {
      if (step.context || !options.indent) out.push({ line: selectLine(step.context, context) });
      context = step.context;
    }
    out.push({ line: options.indent && context ? ` ${step.line}` : step.line, step: index });
  });
  if (context && !options.indent) out.push({ line: selectLine(null, context) });
  return out;
}

export function renderWithContexts(
  steps: ContextLine[],
  options: { indent?: boolean } = {},
): string[] {
  return wireLines(steps, options).map((w) => w.line);
}

/** Wire lines that undo the given (sent) steps, newest first. */
export function undoLines(sent: Step[]): string[] {
  return renderWithContexts([...sent].reverse().map((s) => s.undo));
}
