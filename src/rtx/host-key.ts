/** Pinned host key handling: "ssh-ed25519 AAAA... [comment]" (authorized_keys format). */
import { createHash } from "crypto";

export interface PinnedHostKey {
  type: string;
  blob: Buffer;
}

export function parseHostKey(text: string): PinnedHostKey {
  const parts = text.trim().split(/\s+/);
  const [type, base64] = parts.length >= 2 ? parts : ["", parts[0] ?? ""];
  if (!/^[A-Za-z0-9+/]+=*$/.test(base64))
    throw new Error("--host-key must be in authorized_keys format");
  const blob = Buffer.from(base64, "base64");
  // The blob starts with its own type name: a truncated or mislabelled key is refused here.
  const nameLength = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  const innerType =
    nameLength > 0 && nameLength + 4 <= blob.length
      ? blob.subarray(4, 4 + nameLength).toString()
      : "";
  if (innerType === "" || (type !== "" && type !== innerType)) {
    throw new Error(`--host-key is not a valid ${type || "SSH"} public key`);
  }
  return { type: innerType, blob };
}

export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** Host key algorithms to offer first, so the server presents the key we pinned. */
export function preferredHostKeyAlgorithms(type: string): string[] {
  if (type === "ssh-rsa") return ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];
  return [type];
}
