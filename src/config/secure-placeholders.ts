/**
 * Secret values a stack file holds that no Pulumi secrets provider wrote: copied placeholders.
 * `pulumi up` would stop on them when it fails to decrypt; `render` reads no secret, so it says
 * so in a note instead (exit 0: the examples ship such placeholders on purpose).
 */

import { Problem } from "./types";
import { RawStackConfig } from "./validate";

/** What a hand-written stand-in looks like; real ciphertext is base64 or `v1:<nonce>:<data>`. */
const PLACEHOLDER_PATTERNS = [/placeholder/i, /changeme/i, /[<>]/, /\.\.\./, /^x+$/i, /^\s*$/];

/** One note per `secure:` value that reads as a placeholder, naming the key and the fix. */
export function placeholderSecretNotes(raw: RawStackConfig): Problem[] {
  return [...raw.secureKeys].flatMap((key) => {
    const value = (raw.values[key] as { secure?: unknown }).secure;
    const text = typeof value === "string" ? value : "";
    if (!PLACEHOLDER_PATTERNS.some((pattern) => pattern.test(text))) return [];
    const short = key.slice(key.indexOf(":") + 1);
    return [
      {
        path: key,
        message:
          "holds a placeholder, not a value Pulumi encrypted; before `pulumi up`, set it with " +
          `\`pulumi config set --secret ${short}\`${short.endsWith("PrivateKey") ? " < <key file>" : ""}`,
      },
    ];
  });
}
