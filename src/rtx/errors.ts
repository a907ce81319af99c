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

/** A command list that cannot be applied as written; found before connecting. */
export class CommandListError extends RtxError {
  constructor(
    readonly lineNumber: number,
    readonly text: string,
    reason: string,
  ) {
    super(`command list line ${lineNumber} "${maskSecretParameters(text)}": ${reason}`);
  }
}

/** A line with its secret parameters (after `password`, `pre-shared-key`, ...) shown as ***. */
export function maskSecretParameters(text: string): string {
  const m = /^(.*?\b(?:password|pre-shared-key|secret|community)\b)\s+\S.*$/i.exec(text);
  return m ? `${m[1]} ***` : text;
}

/** A setting with one of our ids (or in one of our tunnels) that is not ours to change. */
export class OwnershipConflictError extends RtxError {
  constructor(readonly conflicts: string[]) {
    super(`refusing to change settings that are not ours: ${conflicts.join("; ")}`);
  }
}

/** The router's configuration cannot be read or changed safely; nothing was sent. */
export class UnsafeConfigError extends RtxError {}

/** Replaces every occurrence of a secret with "***", for any text that may reach a log or error. */
export function redact(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length > 0) out = out.split(secret).join("***");
  }
  return out;
}

/** Another session is in administrator mode: someone may be editing; nothing was typed but reads. */
export class ForeignSessionError extends UnsafeConfigError {}

/** Lines that are not ours changed while we worked; ours were taken back, nothing was saved. */
export class ConcurrentChangeError extends RtxError {}

/** The change was not confirmed; the router takes it back by itself (or already did). */
export class RevertPendingError extends RtxError {}
