/** Pinned host key handling: "ssh-ed25519 AAAA... [comment]" (authorized_keys format). */
import { createHash } from "crypto";
import { parseSshPublicKey } from "../net/ssh-public-key";

export interface PinnedHostKey {
  type: string;
  blob: Buffer;
}

/** The pinned key of `--host-key`, checked by the project's one SSH public key parser. */
export function parseHostKey(text: string): PinnedHostKey {
  const parsed = parseSshPublicKey(text);
  if ("error" in parsed) {
    throw new Error(
      parsed.reason === "data"
        ? `--host-key is not a valid ${text.trim().split(/\s+/)[0]} public key (${parsed.error})`
        : `--host-key must be in authorized_keys format: it ${parsed.error}`,
    );
  }
  return { type: parsed.type, blob: Buffer.from(parsed.base64, "base64") };
}

export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** Host key algorithms to offer first, so the server presents the key we pinned. */
export function preferredHostKeyAlgorithms(type: string): string[] {
  if (type === "ssh-rsa") return ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];
  return [type];
}
