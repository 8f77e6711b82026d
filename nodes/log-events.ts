// Every event a node logs, with its fields and what it means: the one list that nodes/log.ts accepts (an event
// or field not listed here does not type-check) and that docs/PROTOCOL.md's event table is written from
// (`npx tsx docs/generate.ts`; test/protocol/docs.test.ts fails when the two drift).
//
// A field name ending in `?` is not on every line of that event. Every line also carries `ts` (epoch ms),
// `node` (the node id) and `event`.

interface EventSpec {
  /** Where the event comes from: the runtime every node has, or the program that logs it. */
  from: string;
  fields: readonly string[];
  doc: string;
}

export const LOG_EVENTS = {
  // ---- the runtime -----------------------------------------------------------------------------------------
  listening: { from: 'runtime', fields: ['port', 'host'], doc: 'first line: the port is bound' },
  recovered: { from: 'runtime', fields: ['messages', 'nextSeq'], doc: 'with `--data`: the durable mailboxes were reloaded' },
  'journal-truncated': {
    from: 'runtime',
    fields: ['journal', 'droppedBytes', 'keptRecords?'],
    doc: "a journal's torn or corrupt tail was cut off on open (`journal`: `mailboxes`, `executions`, `outbox`, ...)",
  },
  'program-started': { from: 'runtime', fields: ['program'], doc: 'one per `--program`, in order' },
  ready: { from: 'runtime', fields: ['programs'], doc: 'programs started; requests to their handlers are served from now on' },
  connect: {
    from: 'runtime',
    fields: ['direction', 'remote?', 'connection?', 'peer?', 'address?'],
    doc: 'a connection opened: `in` (accepted) has `remote` (`host:port`) and `connection` (its number; the peer is not known before `hello`), `out` (opened) has `peer` (node id) and `address` (`{host, port}`)',
  },
  hello: { from: 'runtime', fields: ['peer', 'connection'], doc: 'an accepted connection identified itself (`peer`: its hello identity after authentication)' },
  disconnect: {
    from: 'runtime',
    fields: ['direction', 'peer', 'connection?'],
    doc: 'a connection closed: `in` has `peer` (its hello identity, `null` before hello) and `connection`; `out` has `peer`',
  },
  'msg-out': { from: 'runtime', fields: ['id', 'to', 'until'], doc: 'a `send` left for another node' },
  'msg-in': {
    from: 'runtime',
    fields: ['id?', 'mbox?', 'peer?', 'from?', 'local?', 'type?', 'rid?'],
    doc: 'a `send` arrived (`id`, `mbox`, `peer`; `from` and `local: true` for a send to itself), or a request for a handler (`type`, `rid`, `peer`)',
  },
  ack: { from: 'runtime', fields: ['id', 'stage', 'duplicate?'], doc: 'an `ack` was sent' },
  take: { from: 'runtime', fields: ['id', 'mbox', 'receiver', 'delivery'], doc: 'a receiver took a message (`delivery`: 1 the first time, 2+ a redelivery)' },
  done: { from: 'runtime', fields: ['id', 'mbox', 'receiver'], doc: 'a message was consumed' },
  redeliver: { from: 'runtime', fields: ['id', 'mbox', 'receiver', 'reason'], doc: 'a message went back to its mailbox (`receiver`: who lost it; `reason`: `lease-expired`, `receiver-gone`)' },
  drop: {
    from: 'runtime',
    fields: ['reason', 'detail?', 'peer?', 'remote?', 'type?', 'claimed?', 'lab?', 'id?', 'mbox?', 'size?', 'to?', 'error?'],
    doc: 'something was refused and counted in `counters.drops` (`reason`: `corrupt`, `oversize`, `malformed`, `partial`, `invalid`, `unauthenticated`, `hello-missing`, `wrong-lab` (with the hello\'s `lab`), `mailbox-full`, `gave-up`, `stopping`)',
  },
  'internal-error': { from: 'runtime', fields: ['error', 'connection?', 'type?', 'stack?'], doc: 'a bug or a failing hook the node survived; it keeps serving' },
  'handler-error': { from: 'runtime', fields: ['type', 'error'], doc: 'a handler failed after it had answered' },
  'journal-error': { from: 'runtime', fields: ['error', 'key?'], doc: 'a journal write failed; what it carried was not acknowledged' },
  fatal: { from: 'runtime', fields: ['error'], doc: 'the node could not start; it exits 1' },
  stopping: {
    from: 'runtime',
    fields: ['counters?', 'signal?'],
    doc: 'on SIGTERM or SIGINT: `counters` (as in `stats-result`), or `signal` when the node was stopped before it had started',
  },
  // ---- delivery semantics and RPC ----------------------------------------------------------------------------
  semantics: { from: 'runtime (first RPC or 1-way use)', fields: ['semantics', 'bug'], doc: 'the delivery setting in force (`bug`: a bug-zoo name or `null`)' },
  'executions-recovered': {
    from: 'runtime (first RPC or 1-way use)',
    fields: ['records', 'executions', 'dedupEntries', 'droppedBytes'],
    doc: 'with `--data`: the execution journal was replayed (its records, the executions and dedup entries rebuilt)',
  },
  'outbox-recovered': {
    from: 'runtime (first RPC or 1-way use)',
    fields: ['nextSeq', 'unsettled'],
    doc: "exactly-once with `--data`: the sender's outbox was reloaded (next sequence number, calls and sends still unsettled)",
  },
  serving: { from: 'RPC server', fields: ['service', 'workers', 'semantics'], doc: 'a service is served from now on' },
  'call-refused': { from: 'RPC server', fields: ['service', 'proc', 'key', 'code'], doc: 'a `call` was refused before running (`code` as in the reply)' },
  duplicate: {
    from: 'RPC server, program consumer',
    fields: ['key', 'kind', 'service?', 'receiver?'],
    doc: 'a copy of a known key was answered from the dedup table (`kind`: `running`, `done`, `forgotten`), or a consumer dropped a copy',
  },
  'worker-error': { from: 'RPC server', fields: ['worker', 'error'], doc: 'a service worker hit an error outside the procedure; it goes on' },
  registered: { from: 'name-service client', fields: ['service', 'leaseMs'], doc: 'a served service was registered with the name service' },
  'register-failed': { from: 'name-service client', fields: ['service', 'error'], doc: 'renewing a registration failed (it is tried again)' },
  // ---- programs --------------------------------------------------------------------------------------------
  'call-out': {
    from: 'program client',
    fields: ['op', 'key', 'attempt', 'to'],
    doc: "one transmission of a workload op's call: the op id, its message key, the attempt (1 = first send) and the server",
  },
  'remote-take': {
    from: 'program client',
    fields: ['id', 'mbox', 'owner', 'receiver', 'leaseUntil'],
    doc: "a workload `receive` took another node's message under a lease (`id`: its key) and lets the lease run out",
  },
  'outbox-resumed': { from: 'program client', fields: ['unsettled'], doc: 'calls and sends left unsettled by a crash are being resent' },
  consuming: { from: 'program consumer', fields: ['mbox', 'consumers'], doc: 'the consumers started' },
  'consumer-skip': { from: 'program consumer', fields: ['receiver', 'id', 'reason'], doc: 'a message that is not `{id, body, digest}` was consumed and ignored' },
  'consumer-error': { from: 'programs consumer, coke-consumer', fields: ['error', 'receiver?', 'id?'], doc: 'a receive or an execution record failed; the consumer goes on' },
  'coke-added': { from: 'program coke-producer', fields: ['coke', 'id'], doc: 'a coke is in the machine' },
  'coke-not-added': { from: 'program coke-producer', fields: ['coke', 'error', 'code'], doc: 'a coke could not be added' },
  'producer-finished': { from: 'program coke-producer', fields: ['count'], doc: 'all cokes were sent' },
  'coke-drunk': { from: 'program coke-consumer', fields: ['body', 'id'], doc: 'a coke was taken and consumed' },
  'rutabaga-bad-command': { from: 'program rutabaga-server', fields: ['body'], doc: 'a request that is not `{command, replyTo}`' },
  'rutabaga-served': { from: 'program rutabaga-server', fields: ['command', 'request', 'to'], doc: 'an answer was sent back' },
  'rutabaga-server-error': { from: 'program rutabaga-server', fields: ['error'], doc: 'receiving or answering failed' },
  'rutabaga-answer': { from: 'program rutabaga-client', fields: ['request', 'answer'], doc: 'an answer arrived' },
  'rutabaga-client-error': { from: 'program rutabaga-client', fields: ['request', 'error'], doc: 'a request got no answer' },
  'rutabaga-client-finished': { from: 'program rutabaga-client', fields: ['count'], doc: 'all requests were made' },
} as const satisfies Record<string, EventSpec>;

export type LogEvent = keyof typeof LOG_EVENTS;

type FieldsOf<E extends LogEvent> = (typeof LOG_EVENTS)[E]['fields'][number];
type RequiredName<F> = F extends `${string}?` ? never : F;
type OptionalName<F> = F extends `${infer Name}?` ? Name : never;

/** The fields of one event's line: exactly the registered ones (those without `?` present). */
export type LogFields<E extends LogEvent> = { [K in RequiredName<FieldsOf<E>>]: unknown } & { [K in OptionalName<FieldsOf<E>>]?: unknown };

/** A field's name without its optional mark. */
export function fieldName(field: string): string {
  return field.endsWith('?') ? field.slice(0, -1) : field;
}
