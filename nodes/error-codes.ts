// Every error code of the runtime and the RPC layer, declared once. `definite` says whether a call or send that
// ends with the code certainly did not take effect: it drives the history's outcome (`fail` only when definite,
// else `info`), the retransmitter's "refused, may try again" and docs/PROTOCOL.md's error tables (written from
// this registry by test/protocol/doc-tables.ts).

export interface ErrorCodeDecl {
  /** Who produces it: the caller's own runtime, a node answering `error`, or an RPC server answering a `reply`. */
  from: 'caller' | 'node' | 'rpc';
  /** A call or send that ended with this code certainly did not run (alone: another copy may have). */
  definite: boolean;
  /** The code proves the call ran and was settled: the history records `ok`. */
  provesRan?: true;
  doc: string;
}

export const ERROR_CODES = {
  'not-sent': { from: 'caller', definite: true, doc: 'could not resolve or connect, or the connection was closed before writing' },
  'connection-lost': { from: 'caller', definite: false, doc: 'the connection closed after the request was written' },
  timeout: { from: 'caller', definite: false, doc: 'no answer in time' },
  'gave-up': { from: 'caller', definite: false, doc: 'no reply and no more transmissions (cap on attempts or time, or a lost connection)' },
  'invalid-config': { from: 'caller', definite: false, doc: 'a node configuration that does not validate; `chaoslab node` prints it and exits 2' },
  invalid: {
    from: 'node',
    definite: true,
    doc: 'the message failed its schema or has an unknown type (also counted as `drop` `invalid`); a hello failing its schema, or a second hello (see [Connections](#connections))',
  },
  unauthenticated: { from: 'node', definite: true, doc: 'the authenticator refused the hello; the connection is closed' },
  'hello-missing': { from: 'node', definite: false, doc: 'the first valid message was not `hello` (perhaps lost); the connection is closed, the opener may reconnect' },
  'wrong-lab': {
    from: 'node',
    definite: true,
    doc: "the hello's `lab` is not the receiver's lab id: the connection is closed before anything on it is served; the opener's runtime reports it as `not-sent`",
  },
  'mailbox-full': { from: 'node', definite: true, doc: '`send` to a full mailbox; carries `id`' },
  'receive-timeout': { from: 'node', definite: false, doc: '`receive` found nothing within `timeoutMs`' },
  'lease-expired': { from: 'node', definite: false, doc: '`done` for a message the connection does not hold (lease ended or never taken)' },
  'wrong-node': { from: 'node', definite: false, doc: '`send` names a `to.node` that is not this node' },
  'no-handler': { from: 'node', definite: false, doc: 'a known type (the closed list in [Messages](#messages)) that no program of this node serves, whatever its fields' },
  'handler-failed': { from: 'node', definite: false, doc: 'a handler threw a plain error (a typed error keeps its own code; a schema error is `invalid`)' },
  'journal-failed': { from: 'node', definite: false, doc: 'a durable node could not write the message to disk; it was not acknowledged' },
  stopped: { from: 'node', definite: false, doc: 'the node is stopping' },
  'too-many-mailboxes': { from: 'node', definite: false, doc: "a `send` or `receive` would create a mailbox beyond the node's 10,000" },
  internal: { from: 'node', definite: false, doc: "a bug or a failing hook on the node's side; the node keeps serving (logged `internal-error`)" },
  'no-such-service': { from: 'rpc', definite: true, doc: 'refused before running: the node serves no such service' },
  'no-such-procedure': { from: 'rpc', definite: true, doc: 'refused before running: the service has no such procedure' },
  'permission-denied': { from: 'rpc', definite: true, doc: 'refused before running: the caller is not in the access list of the service' },
  'deadline-exceeded': { from: 'rpc', definite: true, doc: "refused before running: the call's deadline had passed on arrival" },
  'invalid-args': { from: 'rpc', definite: true, doc: "refused before running: the declaration's schema refuses the arguments" },
  overloaded: { from: 'rpc', definite: true, doc: "refused before running: the service's call queue is full" },
  duplicate: {
    from: 'rpc',
    definite: false,
    provesRan: true,
    doc: "a copy below the sender's low-water mark; the original ran and was settled long ago (the receiver vouches for it)",
  },
  'invalid-result': { from: 'rpc', definite: false, doc: 'the procedure ran and returned a result that breaks the declaration' },
  failed: { from: 'rpc', definite: false, doc: 'the procedure ran and threw an error without a code of its own (a procedure code, e.g. `not-found`, is like it)' },
} as const satisfies Record<string, ErrorCodeDecl>;

export type ErrorCode = keyof typeof ERROR_CODES;

function declOf(code: string): ErrorCodeDecl | undefined {
  return Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as ErrorCode] : undefined;
}

/** A call or send that ended with `code` certainly did not run; an unknown code (a procedure's own) may have. */
export function isDefinite(code: string): boolean {
  return declOf(code)?.definite ?? false;
}

/** The code proves that the call ran and was settled (see `duplicate`). */
export function provesRan(code: string): boolean {
  return declOf(code)?.provesRan ?? false;
}
