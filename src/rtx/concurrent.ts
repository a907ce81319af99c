/**
 * Nobody else's work: who else is logged in (`show status user`, command reference 58.47), and
 * which lines changed under us between our first read and our save.
 */
import { ConfigLine, indexByKey } from "./model";

/** One row of `show status user`. */
export interface LoggedInUser {
  user: string;
  connection: string;
  login: string;
  address?: string;
  admin: boolean;
  self: boolean;
}

/**
 * Rows as 58.47 prints them: three flag columns (`*` this session, `+` administrator mode,
 * `@` RADIUS), then user, connection, login time (MM/DD hh:mm), idle time and the address.
 *   "*+@user-radius1    telnet1    09/16 10:22  0:00:00    192.168.0.100"
 */
export function parseStatusUser(output: string): LoggedInUser[] {
  const users: LoggedInUser[] = [];
  for (const line of output.split("\n")) {
    const m = /^([*+@ ]{3})(\S+)\s+(\S+)\s+(\d\d\/\d\d \d\d:\d\d)\s+\S+(?:\s+(\S+))?\s*$/.exec(
      line.replace(/\r/g, ""),
    );
    if (!m) continue;
    users.push({
      user: m[2],
      connection: m[3],
      login: m[4],
      ...(m[5] ? { address: m[5] } : {}),
      admin: m[1].includes("+"),
      self: m[1].includes("*"),
    });
  }
  return users;
}

/** Other sessions in administrator mode: someone may be editing. */
export function otherAdministrators(users: LoggedInUser[]): LoggedInUser[] {
  return users.filter((u) => u.admin && !u.self);
}

export function describeUser(u: LoggedInUser): string {
  return `"${u.user}" on ${u.connection}${u.address ? ` from ${u.address}` : ""}, logged in since ${u.login}`;
}

/**
 * Lines that changed between two reads and are not ours: `ours` holds the keys this run set or
 * removed; console settings (ours, put back before saving) and our schedule are left out.
 */
export function foreignChanges(
  before: ConfigLine[],
  after: ConfigLine[],
  ours: ReadonlySet<string>,
  isOwnLine: (line: ConfigLine) => boolean,
): string[] {
  const relevant = (l: ConfigLine) => !ours.has(l.key) && !isOwnLine(l);
  const a = indexByKey(before.filter(relevant));
  const b = indexByKey(after.filter(relevant));
  const changes: string[] = [];
  for (const [key, line] of b) {
    const old = a.get(key);
    if (!old) changes.push(`+ "${line.text}"`);
    else if (old.norm !== line.norm) changes.push(`"${old.text}" -> "${line.text}"`);
  }
  for (const [key, line] of a) if (!b.has(key)) changes.push(`- "${line.text}"`);
  return changes;
}
