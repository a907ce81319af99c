/**
 * SSH public keys in authorized_keys form ("<type> <base64> [comment]", sshd(8) AUTHORIZED_KEYS
 * FILE FORMAT). The key data (RFC 4253 §6.6) opens with its own type name, so a truncated or
 * mislabelled key is told apart from a good one without any cryptography.
 */

export const SSH_HOST_KEY_TYPES = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-rsa",
] as const;

/** `reason`: the line's form is wrong, or its key data does not match the type it names. */
export type SshPublicKeyParse =
  { type: string; base64: string } | { error: string; reason: "form" | "data" };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseSshPublicKey(text: string): SshPublicKeyParse {
  const words = text.trim().split(/\s+/);
  const [type, base64] = words;
  if (isHostKeyType(words[1]) && words.length >= 3 && !isHostKeyType(type)) {
    // known_hosts(5) lines start with the host pattern: "host ssh-ed25519 AAAA…".
    return {
      error: `is a known_hosts line: drop the leading host name ("${words[0]}") and keep "${words[1]} <base64>"`,
      reason: "form",
    };
  }
  if (!isHostKeyType(type) || !base64 || !BASE64.test(base64)) {
    return {
      error: `must be "<type> <base64>" with type one of ${SSH_HOST_KEY_TYPES.join(", ")}`,
      reason: "form",
    };
  }
  if (embeddedType(Buffer.from(base64, "base64")) !== type) {
    return { error: `the key data is not a ${type} key`, reason: "data" };
  }
  return { type, base64 };
}

function isHostKeyType(word: string | undefined): boolean {
  return (SSH_HOST_KEY_TYPES as readonly string[]).includes(word ?? "");
}

/** The type name the key data starts with (a uint32 length, then the name), or "". */
function embeddedType(blob: Buffer): string {
  const nameLength = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  return nameLength > 0 && blob.length >= 4 + nameLength
    ? blob.subarray(4, 4 + nameLength).toString("latin1")
    : "";
}
