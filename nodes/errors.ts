// Typed failures of the node runtime. Each one says what the caller can conclude about the message's fate,
// which is exactly what delivery semantics are built from: NotSent = certainly not delivered; ConnectionLost and
// Timeout = may or may not have been delivered (an indeterminate outcome, `info` in a history).

export class ChaoslabError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Connecting failed (refused, unresolvable, hello rejected before sending): the message certainly did not leave. */
export class NotSent extends ChaoslabError {
  constructor(message: string) {
    super('not-sent', message);
  }
}

/** The connection closed after the message was written: it may or may not have arrived. */
export class ConnectionLost extends ChaoslabError {
  constructor(message: string) {
    super('connection-lost', message);
  }
}

/** No answer in time: the request may or may not have been acted on. */
export class Timeout extends ChaoslabError {
  constructor(message: string) {
    super('timeout', message);
  }
}

/** The other side answered with `{type: 'error', code, message}`. */
export class RemoteError extends ChaoslabError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

/** The destination mailbox stayed full until the send's timeout: back-pressure, never a silent drop. */
export class MailboxFull extends RemoteError {
  constructor(message: string) {
    super('mailbox-full', message);
  }
}

/** receive() found no message before its timeout. */
export class ReceiveTimeout extends RemoteError {
  constructor(message: string) {
    super('receive-timeout', message);
  }
}

/** done() came after the lease expired: the message was handed back to the mailbox (and maybe to someone else). */
export class LeaseExpired extends RemoteError {
  constructor(message: string) {
    super('lease-expired', message);
  }
}

/** A new mailbox was asked for beyond the node's limit (10,000). */
export class TooManyMailboxes extends RemoteError {
  constructor(message: string) {
    super('too-many-mailboxes', message);
  }
}

/** The node is stopping or stopped. */
export class NodeStopped extends ChaoslabError {
  constructor(message = 'node stopped') {
    super('stopped', message);
  }
}

/** A configuration that does not validate; `chaoslab node` prints it and exits 2. */
export class InvalidConfig extends ChaoslabError {
  constructor(message: string) {
    super('invalid-config', message);
  }
}

/** Rebuild the typed error for an `error` answer, so remote and local failures look alike to callers. */
export function errorFromAnswer(answer: Record<string, unknown>): RemoteError {
  const code = typeof answer.code === 'string' ? answer.code : 'unknown';
  const message = typeof answer.message === 'string' ? answer.message : code;
  switch (code) {
    case 'mailbox-full':
      return new MailboxFull(message);
    case 'receive-timeout':
      return new ReceiveTimeout(message);
    case 'lease-expired':
      return new LeaseExpired(message);
    default:
      return new RemoteError(code, message);
  }
}

/** The code an error is answered with: a runtime error's own, `invalid` for a failed zod parse, else `fallback`. */
export function codeOf(error: unknown, fallback = 'internal'): string {
  if (error instanceof ChaoslabError) return error.code;
  // A handler validating its request with zod: the request was bad, not the handler.
  if (error instanceof Error && error.name === 'ZodError') return 'invalid';
  return fallback;
}

/** An error's message for a log line or an answer. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
