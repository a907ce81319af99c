/**
 * Text normalisation for RTX command lines, so that a line we send and the way `show config`
 * prints it back compare equal (otherwise a re-apply would resend the line forever).
 */

/** Splits an RTX command line into parameters, honouring '…', "…" and backslash escapes. */
export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let inToken = false;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === "\\" && i + 1 < line.length) {
      current += line[++i];
      inToken = true;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inToken = true;
    } else if (ch === " " || ch === "\t") {
      if (inToken) tokens.push(current);
      current = "";
      inToken = false;
    } else {
      current += ch;
      inToken = true;
    }
  }
  if (inToken) tokens.push(current);
  return tokens;
}

/** Quotes a parameter for the RTX console when it holds a character the console treats specially. */
export function quoteToken(token: string): string {
  if (token === "") return '""';
  if (!/[\s?#|>\\'"]/.test(token)) return token;
  return `"${token.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function joinTokens(tokens: string[]): string {
  return tokens.map(quoteToken).join(" ");
}

/** RFC 5952 form of an IPv6 address (lower case, longest zero run compressed), or null. */
export function canonicalIpv6(text: string): string | null {
  const groups = expandIpv6(text);
  if (!groups) return null;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  const head = hex.slice(0, bestStart).join(":");
  const tail = hex.slice(bestStart + bestLength).join(":");
  return `${head}::${tail}`;
}

function expandIpv6(text: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(":")) return null;
  let body = text;
  const tailGroups: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (dotted) {
    const octets = dotted[2].split(".").map(Number);
    if (octets.some((o) => o > 255)) return null;
    tailGroups.push((octets[0] << 8) | octets[1], (octets[2] << 8) | octets[3]);
    body = dotted[1].endsWith("::") ? dotted[1] : dotted[1].slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === "") return [];
    const out: number[] = [];
    for (const g of part.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !tail) return null;
  const known = head.length + tail.length + tailGroups.length;
  if (halves.length === 1) return known === 8 ? [...head, ...tailGroups] : null;
  if (known > 7) return null;
  return [...head, ...new Array<number>(8 - known).fill(0), ...tail, ...tailGroups];
}

/** Normalises one parameter: IPv6 addresses (also in comma lists and with /len) canonical, keywords lower case. */
export function normalizeToken(token: string): string {
  if (token.includes(",")) return token.split(",").map(normalizeToken).join(",");
  const slash = token.indexOf("/");
  const address = slash >= 0 ? token.slice(0, slash) : token;
  const v6 = canonicalIpv6(address);
  if (v6) return slash >= 0 ? `${v6}${token.slice(slash)}` : v6;
  return token.toLowerCase();
}

/** Normalises an IPv4 route destination: the RTX prints a host route without `/32`. */
export function normalizeRouteNetwork(token: string): string {
  const lower = token.toLowerCase();
  return lower.endsWith("/32") ? lower.slice(0, -3) : lower;
}
