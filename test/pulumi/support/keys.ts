/** Test keys built independently of the code under test (no ssh-keygen needed on CI). */
import { generateKeyPairSync, randomBytes } from "crypto";

function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function wrap64(text: string): string[] {
  return text.match(/.{1,70}/g) ?? [];
}

export interface TestKey {
  /** openssh-key-v1, unencrypted. */
  privateKey: string;
  /** "ssh-ed25519 <base64>" computed from Node's JWK, not from the code under test. */
  publicKey: string;
  /** Base64 lines unique to the private key: a secret scan looks for these. */
  privateLines: string[];
}

/** A fresh Ed25519 key in OpenSSH's private key format (PROTOCOL.key). */
export function newOpenSshEd25519(comment: string): TestKey {
  const pair = generateKeyPairSync("ed25519");
  const jwk = pair.privateKey.export({ format: "jwk" }) as { x: string; d: string };
  const pub = Buffer.from(jwk.x, "base64url");
  const seed = Buffer.from(jwk.d, "base64url");
  const publicBlob = Buffer.concat([sshString("ssh-ed25519"), sshString(pub)]);
  const check = randomBytes(4);
  let section = Buffer.concat([
    check,
    check,
    sshString("ssh-ed25519"),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  for (let pad = 1; section.length % 8 !== 0; pad++)
    section = Buffer.concat([section, Buffer.from([pad])]);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    Buffer.from([0, 0, 0, 1]),
    sshString(publicBlob),
    sshString(section),
  ]).toString("base64");
  const lines = wrap64(body);
  return {
    privateKey: [
      "-----BEGIN OPENSSH PRIVATE KEY-----",
      ...lines,
      "-----END OPENSSH PRIVATE KEY-----",
      "",
    ].join("\n"),
    publicKey: `ssh-ed25519 ${publicBlob.toString("base64")}`,
    privateLines: lines.slice(2),
  };
}
