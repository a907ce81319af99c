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
  if (base64.length % 4 === 1 || (base64.includes("=") && base64.length % 4 !== 0)) {
    return {
      error: `the base64 is ${base64.length} characters, which no whole key gives: it was cut (copy the whole line from the host)`,
      reason: "data",
    };
  }
  const blob = Buffer.from(base64, "base64");
  if (embeddedType(blob) !== type) {
    return { error: `the key data is not a ${type} key`, reason: "data" };
  }
  const problem = keyDataProblem(type, blob);
  return problem ? { error: problem, reason: "data" } : { type, base64 };
}

/** The fields of the key data (RFC 4253 §6.6: uint32 length, then bytes), or null when cut short. */
function wireFields(blob: Buffer): Buffer[] | null {
  const fields: Buffer[] = [];
  for (let at = 0; at < blob.length;) {
    if (at + 4 > blob.length) return null;
    const length = blob.readUInt32BE(at);
    if (at + 4 + length > blob.length) return null;
    fields.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return fields;
}

/** Bytes of the public point: RFC 8709 §4 (Ed25519: 32), RFC 5656 §3.1 (uncompressed 0x04||X||Y). */
const KEY_BYTES: Record<string, number> = {
  "ssh-ed25519": 32,
  "ecdsa-sha2-nistp256": 65,
  "ecdsa-sha2-nistp384": 97,
  "ecdsa-sha2-nistp521": 133,
};

/** Smallest RSA modulus OpenSSH accepts (RequiredRSASize, sshd_config(5), default 1024). */
const MIN_RSA_BITS = 1024;

/** What is wrong with the key data of a known type: cut short, wrong length, extra bytes. */
function keyDataProblem(type: string, blob: Buffer): string | null {
  const fields = wireFields(blob);
  const cut = `the key data is cut short: the line was truncated when copied (copy the whole line from the host)`;
  if (!fields) return cut;
  if (type === "ssh-rsa") {
    if (fields.length < 3) return cut;
    if (fields.length > 3) return "the key data has bytes after the RSA key: it is not one key";
    const modulus = fields[2][0] === 0 ? fields[2].subarray(1) : fields[2];
    const bits = modulus.length * 8;
    return bits < MIN_RSA_BITS
      ? `the RSA key is ${bits} bits; OpenSSH takes ${MIN_RSA_BITS} or more`
      : null;
  }
  const point = fields[type === "ssh-ed25519" ? 1 : 2];
  const want = KEY_BYTES[type];
  if (point === undefined) return cut;
  if (fields.length > (type === "ssh-ed25519" ? 2 : 3))
    return `the key data has bytes after the ${type} key: it is not one key`;
  if (point.length !== want)
    return `the ${type} key is ${point.length} bytes; a ${type} key is ${want} bytes (the line was cut or altered)`;
  return null;
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
