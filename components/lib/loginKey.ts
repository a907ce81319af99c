import { createPrivateKey } from "crypto";
import { utils } from "ssh2";

/** Why the key could not be used; never includes any part of the key. */
const UNUSABLE =
  "vpc-ipip6-gateway:gatewaySshPrivateKey: cannot derive its public key; " +
  "use an unencrypted OpenSSH or PEM (PKCS#1/PKCS#8) RSA, ECDSA or Ed25519 key";

function sshString(data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

/** SSH mpint: big-endian, with a leading zero byte when the high bit is set. */
function sshMpint(unsigned: Buffer): Buffer {
  let value = unsigned;
  while (value.length > 1 && value[0] === 0) value = value.subarray(1);
  return sshString(value[0] & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
}

/** PKCS#8 keys (which ssh2 does not read) for the two common types, via the JWK form of the public key. */
function fromPkcs8(privateKey: string): string | undefined {
  let jwk: { kty?: string; crv?: string; x?: string; n?: string; e?: string };
  try {
    jwk = createPrivateKey(privateKey).export({ format: "jwk" }) as typeof jwk;
  } catch {
    return undefined;
  }
  const b64u = (text: string) => Buffer.from(text, "base64url");
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519" && jwk.x) {
    const blob = Buffer.concat([sshString(Buffer.from("ssh-ed25519")), sshString(b64u(jwk.x))]);
    return `ssh-ed25519 ${blob.toString("base64")}`;
  }
  if (jwk.kty === "RSA" && jwk.n && jwk.e) {
    const blob = Buffer.concat([
      sshString(Buffer.from("ssh-rsa")),
      sshMpint(b64u(jwk.e)),
      sshMpint(b64u(jwk.n)),
    ]);
    return `ssh-rsa ${blob.toString("base64")}`;
  }
  return undefined;
}

/**
 * The authorized_keys line ("type base64") for the stack's login private key, computed here
 * rather than by the tls provider's getPublicKey: an invoke sends its arguments unwrapped and
 * the SDK's debug log prints them, which would put the private key in debug logs.
 */
export function publicKeyFromPrivate(privateKey: string): string {
  const parsed = utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key && !(key instanceof Error)) {
    if (key.isPrivateKey()) return `${key.type} ${key.getPublicSSH().toString("base64")}`;
    throw new Error(UNUSABLE);
  }
  const line = fromPkcs8(privateKey);
  if (!line) throw new Error(UNUSABLE);
  return line;
}
