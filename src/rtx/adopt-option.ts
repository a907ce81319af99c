/** `--adopt`, `--adopt=LIST` or `--adopt LIST` on the command line (apply and plan). */

/** A list of adopt targets as typed: `tunnel:1,keepalive:2`. */
export const ADOPT_LIST = /^[a-z]+:[^,\s]+(,[a-z]+:[^,\s]+)*$/;

/**
 * The list given with `--adopt` (`arg` is `--adopt` or `--adopt=LIST`, `next` the following
 * argument), and how many further arguments it used; undefined for a bare `--adopt`.
 */
export function adoptValue(
  arg: string,
  next: string | undefined,
): { value: string; consumed: number } | undefined {
  const eq = arg.indexOf("=");
  if (eq > 0) return { value: arg.slice(eq + 1), consumed: 0 };
  return next !== undefined && ADOPT_LIST.test(next) ? { value: next, consumed: 1 } : undefined;
}
