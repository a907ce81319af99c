/**
 * known_hosts lookup (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"): plain or hashed host patterns,
 * `[host]:port` for ports other than 22. Markers (@cert-authority, @revoked) are not used here:
 * a marked line never pins a key. The stack's `knownHosts` output is in this format.
 */
import { createHmac } from "crypto";
import { parseHostKey, PinnedHostKey } from "../rtx/host-key";

function hostMatches(pattern: string, name: string): boolean {
  const hashed = /^\|1\|([^|]+)\|(.+)$/.exec(pattern);
  if (hashed) {
    const digest = createHmac("sha1", Buffer.from(hashed[1], "base64"))
      .update(name)
      .digest("base64");
    return digest === hashed[2];
  }
  return pattern.split(",").includes(name);
}

/** Every key known_hosts pins for host:port (a host may have several key types). */
export function knownKeysFor(text: string, host: string, port = 22): PinnedHostKey[] {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const keys: PinnedHostKey[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("@")) continue;
    const [patterns, type, base64] = line.split(/\s+/);
    if (!patterns || !type || !base64 || !hostMatches(patterns, name)) continue;
    try {
      keys.push(parseHostKey(`${type} ${base64}`));
    } catch {
      // A malformed line pins nothing.
    }
  }
  return keys;
}
