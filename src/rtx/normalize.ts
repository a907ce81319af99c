/**
 * Text normalisation for RTX command lines, so that a line we send and the way `show config`
 * prints it back compare equal (otherwise a re-apply would resend the line forever).
 */
import { canonicalIpv6 } from "../net/ipv6";

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

/** RFC 5952 form of an IPv6 address (the project's one implementation, shared with config). */
export { canonicalIpv6 };

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
