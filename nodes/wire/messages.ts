import * as z from 'zod';

// Every message is a JSON object with a `type`. Requests flow on a connection from the side that opened it to
// the side that accepted it; answers flow back on the same connection and carry the request's `rid`.
// PROTOCOL.md is the prose of these schemas.

export const MessageId = z.object({ from: z.string().min(1), seq: z.number().int().nonnegative() });
export type MessageId = z.infer<typeof MessageId>;

const rid = z.number().int().nonnegative();
const mboxName = z.string().min(1).max(200);

/** `lab`: the sender's lab id (docs/PROTOCOL.md, Connections); a receiver with another lab id refuses the connection. */
export const LabId = z.string().min(1).max(100);
export const HelloMessage = z.object({ type: z.literal('hello'), node: z.string().min(1), credential: z.string().optional(), lab: LabId.optional() });
export type HelloMessage = z.infer<typeof HelloMessage>;

export const SendMessage = z.object({
  type: z.literal('send'),
  rid,
  id: MessageId,
  to: z.object({ node: z.string().min(1).optional(), mbox: mboxName }),
  body: z.unknown(),
  /** 'received': also acknowledge (stage 'received') once a receiver takes the message. */
  notify: z.enum(['remote', 'received']).default('remote'),
});
export type SendMessage = z.infer<typeof SendMessage>;

export const ReceiveMessage = z.object({
  type: z.literal('receive'),
  rid,
  mbox: mboxName,
  timeoutMs: z.number().nonnegative().optional(),
  leaseMs: z.number().positive().optional(),
});
export type ReceiveMessage = z.infer<typeof ReceiveMessage>;

export const DoneMessage = z.object({ type: z.literal('done'), rid, mbox: mboxName, id: MessageId });
export type DoneMessage = z.infer<typeof DoneMessage>;

export const PingMessage = z.object({ type: z.literal('ping'), rid });
export const StatsMessage = z.object({ type: z.literal('stats'), rid });

/** Fields every request may carry; a handled type without a registered schema is checked against this. */
export const AnyRequest = z.looseObject({ type: z.string().min(1), rid: rid.optional() });

/**
 * The closed list of request types the node program knows (PROTOCOL.md's list is written from it). A known type
 * that no program of this node serves is answered `no-handler`; any other type is `invalid`. The built-in types
 * carry their schema here; the others get theirs from the module that serves them (`registerMessage`), and until
 * then are checked as `AnyRequest`.
 */
export const REQUEST_TYPES = {
  hello: { schema: HelloMessage, servedBy: 'every node', doc: 'the first frame of a connection' },
  send: { schema: SendMessage, servedBy: 'every node', doc: 'put a message in a mailbox' },
  receive: { schema: ReceiveMessage, servedBy: 'every node', doc: 'take a message from a mailbox under a lease' },
  done: { schema: DoneMessage, servedBy: 'every node', doc: 'consume a message taken with `receive`' },
  ping: { schema: PingMessage, servedBy: 'every node', doc: 'is the node up' },
  stats: { schema: StatsMessage, servedBy: 'every node', doc: "the node's counters and mailbox sizes" },
  call: { schema: undefined, servedBy: 'a node serving an RPC service (programs `log`, `filesys`, `client`, `consumer`, `name-service`)', doc: 'an RPC call ([RPC](#rpc))' },
  'node-send': { schema: undefined, servedBy: 'program `remote-control`', doc: 'make the node send one message' },
  'node-receive': { schema: undefined, servedBy: 'program `remote-control`', doc: 'make the node receive one message' },
  'node-send-burst': { schema: undefined, servedBy: 'program `load`', doc: 'make the node send many messages' },
  'node-receive-burst': { schema: undefined, servedBy: 'program `load`', doc: 'make the node receive many messages' },
} as const satisfies Record<string, { schema: z.ZodType | undefined; servedBy: string; doc: string }>;

export type RequestType = keyof typeof REQUEST_TYPES;

export function isRequestType(type: string): type is RequestType {
  return Object.hasOwn(REQUEST_TYPES, type);
}

/** The types every node serves itself, with their schemas here: no program may handle them. */
export const BUILT_IN_TYPES: ReadonlySet<string> = new Set(Object.entries(REQUEST_TYPES).flatMap(([type, { schema }]) => (schema ? [type] : [])));

const registry = new Map<string, z.ZodType>(
  Object.entries(REQUEST_TYPES).flatMap(([type, { schema }]): [string, z.ZodType][] => (schema ? [[type, schema]] : [])),
);

/**
 * Give a known type its schema (the serving module does), or add a type of one's own (a program embedding the
 * runtime outside the node program, e.g. a test). Registering a type twice with different schemas is a bug.
 */
export function registerMessage(type: string, schema: z.ZodType): void {
  const existing = registry.get(type);
  if (existing && existing !== schema) throw new Error(`message type '${type}' is already registered`);
  registry.set(type, schema);
}

export function isRegisteredMessage(type: string): boolean {
  return registry.has(type) || isRequestType(type);
}

export type ParsedMessage = { ok: true; message: { type: string; rid?: number } & Record<string, unknown> } | { ok: false; error: string; rid?: number };

/** The rid of a request, if it has a valid one (an integer >= 0), whatever else is wrong with it. */
export function ridOf(raw: unknown): number | undefined {
  const r = (raw as { rid?: unknown } | null)?.rid;
  return typeof r === 'number' && Number.isInteger(r) && r >= 0 ? r : undefined;
}

/** Validate an incoming request against the schema of its type. Never throws. */
export function parseMessage(raw: unknown): ParsedMessage {
  const base = AnyRequest.safeParse(raw);
  if (!base.success) {
    const typed = typeof (raw as { type?: unknown } | null)?.type === 'string' && (raw as { type: string }).type.length > 0;
    return { ok: false, error: typed ? '`rid` must be an integer >= 0' : 'a message is a JSON object with a string `type`', rid: ridOf(raw) };
  }
  const schema = registry.get(base.data.type) ?? (isRequestType(base.data.type) ? AnyRequest : undefined);
  if (!schema) return { ok: false, error: `unknown message type '${base.data.type}'`, rid: base.data.rid };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, error: `invalid '${base.data.type}': ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`, rid: base.data.rid };
  }
  return { ok: true, message: parsed.data as { type: string; rid?: number } & Record<string, unknown> };
}

/** Answers (the other direction) only need to be objects with a type; they are matched by `rid`. */
export type Answer = { type: string; rid?: number } & Record<string, unknown>;
export function asAnswer(raw: unknown): Answer | undefined {
  const parsed = AnyRequest.safeParse(raw);
  return parsed.success ? (parsed.data as Answer) : undefined;
}

/** Error codes a node answers with (PROTOCOL.md has the table). */
export type ErrorCode =
  | 'invalid'
  | 'unauthenticated'
  | 'hello-missing'
  | 'wrong-lab'
  | 'mailbox-full'
  | 'receive-timeout'
  | 'lease-expired'
  | 'unknown-delivery'
  | 'wrong-node'
  | 'no-handler'
  | 'handler-failed'
  | 'journal-failed'
  | 'internal'
  | 'too-many-mailboxes'
  | 'stopped';

export function errorAnswer(code: ErrorCode | string, message: string, extra: { rid?: number; id?: MessageId } = {}) {
  return { type: 'error' as const, code, message, ...extra };
}
