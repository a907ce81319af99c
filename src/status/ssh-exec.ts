/**
 * Runs one read-only script on a gateway over SSH as the operator: their key file or their agent,
 * through the bastion when the stack has one (a direct-tcpip channel, as `ssh -J` does), every
 * host key pinned before anything is sent. Nothing here is a secret the stack holds.
 */
import { Client, ConnectConfig } from "ssh2";
import { Duplex } from "stream";
import { fingerprint, PinnedHostKey, preferredHostKeyAlgorithms } from "../rtx/host-key";

export interface SshHop {
  host: string;
  port: number;
  user: string;
  /** Keys the host may present (known_hosts can pin several types); empty: refuse to connect. */
  hostKeys: PinnedHostKey[];
}

export interface SshAuth {
  /** An unencrypted private key's text (`--identity`); otherwise the agent is used. */
  privateKey?: string;
  /** SSH_AUTH_SOCK. */
  agent?: string;
}

export class SshError extends Error {}

function connect(hop: SshHop, auth: SshAuth, timeoutMs: number, sock?: Duplex): Promise<Client> {
  if (hop.hostKeys.length === 0) {
    return Promise.reject(
      new SshError(`no pinned host key for ${hop.host}:${hop.port} (see --known-hosts)`),
    );
  }
  const conn = new Client();
  let presented: Buffer | null = null;
  const accepted = (key: Buffer) => hop.hostKeys.some((k) => k.blob.equals(key));
  const config: ConnectConfig = {
    host: hop.host,
    port: hop.port,
    username: hop.user,
    readyTimeout: timeoutMs,
    ...(sock ? { sock } : {}),
    ...(auth.privateKey ? { privateKey: auth.privateKey } : { agent: auth.agent }),
    algorithms: {
      serverHostKey: { prepend: hop.hostKeys.flatMap((k) => preferredHostKeyAlgorithms(k.type)) },
    } as ConnectConfig["algorithms"],
    hostVerifier: (key: Buffer) => {
      presented = Buffer.from(key);
      return accepted(presented);
    },
  };
  return new Promise((resolve, reject) => {
    conn.once("ready", () => resolve(conn));
    conn.once("error", (err: Error & { level?: string }) => {
      conn.end();
      if (presented && !accepted(presented)) {
        const expected = hop.hostKeys.map((k) => fingerprint(k.blob)).join(" or ");
        reject(
          new SshError(
            `host key mismatch for ${hop.host}:${hop.port}: expected ${expected}, ` +
              `the server presented ${fingerprint(presented)}; nothing was sent`,
          ),
        );
      } else if (err.level === "client-authentication") {
        reject(new SshError(`${hop.user}@${hop.host} refused the key (agent or --identity)`));
      } else if (err.level === "client-timeout") {
        reject(
          new SshError(
            `timed out after ${timeoutMs / 1000}s connecting to ${hop.host}:${hop.port}`,
          ),
        );
      } else {
        reject(new SshError(`cannot connect to ${hop.host}:${hop.port}: ${err.message}`));
      }
    });
    conn.connect(config);
  });
}

function forward(bastion: Client, target: SshHop): Promise<Duplex> {
  return new Promise((resolve, reject) =>
    bastion.forwardOut("127.0.0.1", 0, target.host, target.port, (err, channel) =>
      err
        ? reject(
            new SshError(`the bastion cannot reach ${target.host}:${target.port}: ${err.message}`),
          )
        : resolve(channel),
    ),
  );
}

function run(conn: Client, command: string, stdin: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new SshError(`no answer within ${timeoutMs / 1000}s`)),
      timeoutMs,
    );
    conn.exec(command, (err, stream) => {
      if (err) {
        clearTimeout(timer);
        return reject(new SshError(`the gateway refused to run the read: ${err.message}`));
      }
      let out = "";
      let errOut = "";
      stream.on("data", (d: Buffer) => (out += d.toString("utf8")));
      stream.stderr.on("data", (d: Buffer) => (errOut += d.toString("utf8")));
      stream.on("close", (code: number | null) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new SshError(`the read exited ${code}: ${errOut.trim().split("\n")[0] ?? ""}`));
      });
      stream.end(stdin);
    });
  });
}

/** Runs `bash -s` with `script` on stdin on the target, through the bastion if given. */
export async function sshRunScript(
  target: SshHop,
  script: string,
  auth: SshAuth,
  options: { bastion?: SshHop; timeoutMs: number },
): Promise<string> {
  const opened: Client[] = [];
  try {
    let sock: Duplex | undefined;
    if (options.bastion) {
      const jump = await connect(options.bastion, auth, options.timeoutMs);
      opened.push(jump);
      sock = await forward(jump, target);
    }
    const conn = await connect(target, auth, options.timeoutMs, sock);
    opened.push(conn);
    return await run(conn, "bash -s", script, options.timeoutMs);
  } finally {
    for (const c of opened.reverse()) c.end();
  }
}
