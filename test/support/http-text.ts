/** Parses an HTTP/1.1 request written as text (the AWS Signature V4 test suite's form). */

import { HttpRequestData } from "./sigv4";

export function parseRequestText(text: string): HttpRequestData {
  const blank = text.indexOf("\n\n");
  const head = blank < 0 ? text : text.slice(0, blank);
  const body = blank < 0 ? "" : text.slice(blank + 2);
  const [requestLine, ...lines] = head.split("\n");
  const [method, target] = requestLine.split(" ");
  const headers: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon), line.slice(colon + 1)]);
  }
  return { method, target, headers, body: Buffer.from(body, "utf8") };
}
