/** Errors of the RTX client. Messages never contain a password (see redact()). */

export class RtxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RtxError";
  }
}

export class HostKeyMismatchError extends RtxError {}
export class ConnectionLostError extends RtxError {}
export class RtxTimeoutError extends RtxError {}
export class AuthenticationError extends RtxError {}
export class CommandRejectedError extends RtxError {
  constructor(
    readonly command: string,
    readonly response: string,
  ) {
    super(`the router rejected "${command}": ${response}`);
  }
}
export class VerificationError extends RtxError {}

/** Replaces every occurrence of a secret with "***", for any text that may reach a log or error. */
export function redact(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length > 0) out = out.split(secret).join("***");
  }
  return out;
}
