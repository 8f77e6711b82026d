import { NodeStopped } from '../errors.ts';
import type { Node } from '../node.ts';
import { secureNode, isPermitted } from '../names/credentials.ts';
import type { DedupLookup, CachedReply, CallKey } from '../semantics/dedup.ts';
import type { Execution } from '../semantics/executions.ts';
import { deliveryStoresOf, type DeliveryStores } from '../semantics/delivery-stores.ts';
import { registerMessage } from '../wire/messages.ts';
import { CallRequest } from './call.ts';
import { check, type CallContext, type ServiceDecl, type ServiceImpl } from './service.ts';

// The server stub. A call message is checked in the order docs/PROTOCOL.md gives (service, procedure, permission;
// a copy of a known key is answered from the dedup table; deadline, arguments against the declaration, so the
// procedure never sees bad input; room in the queue) and put in the mailbox `svc:<service>`; N workers take calls
// from it concurrently, so one slow call does not hold up the others. A worker runs the procedure, makes its
// executions durable, caches the reply and replies on the connection the call came in on.

export interface ServeOptions {
  /** Concurrent workers (default: the node's `workers`). */
  workers?: number;
  /**
   * Apply the node's delivery setting to this service (dedup, durable execution records). Off for services
   * that drive the lab rather than being tested by it (workload, name service).
   */
  semantics?: boolean;
}

interface QueuedCall {
  call: CallRequest['call'];
  caller: string;
  args: unknown;
  /** Set when the call is governed by the dedup table: finish it with the reply. */
  admission?: Extract<DedupLookup, { kind: 'new' }>;
  reply(answer: object): void;
}

interface Served {
  decl: ServiceDecl;
  impl: Record<string, (args: unknown, context: CallContext) => unknown>;
  /** Whether the node's delivery setting applies (dedup, durable execution records). */
  governed: boolean;
  stores: DeliveryStores;
}

/** Delay of the journal commit under `ack-before-durable`: a crash inside it loses an acknowledged effect. */
const DEFERRED_COMMIT_MS = 1000;
/** Undone calls are never handed to a second worker: a worker holds its call at most this long. */
const WORKER_LEASE_MS = 24 * 3600_000;

registerMessage('call', CallRequest);

const servedOn = new WeakMap<Node, Map<string, Served>>();
let queuedCalls = 0;

export async function serveService<S extends ServiceDecl>(node: Node, decl: S, impl: ServiceImpl<S>, options: ServeOptions = {}): Promise<void> {
  const stores = await deliveryStoresOf(node);
  secureNode(node);
  let services = servedOn.get(node);
  if (!services) {
    services = new Map();
    servedOn.set(node, services);
    const table = services;
    node.handle('call', (message, ctx) => admitCall(node, table, message as unknown as CallRequest, ctx));
  }
  if (services.has(decl.name)) throw new Error(`service ${decl.name} is already served on node ${node.id}`);
  services.set(decl.name, { decl, impl: impl as Served['impl'], governed: options.semantics ?? true, stores });
  node.mailbox(`svc:${decl.name}`, { internal: true });
  const workers = options.workers ?? node.config.workers;
  for (let i = 1; i <= workers; i++) void work(node, decl.name, services.get(decl.name)!, `${node.id}/worker-${i}`);
  node.log('serving', { service: decl.name, workers, semantics: stores.behaviour.semantics });
}

function admitCall(node: Node, services: Map<string, Served>, message: CallRequest, ctx: { peer: string; reply(answer: object): void }): void {
  const { call } = message;
  const refuse = (code: string, text: string) => {
    node.log('call-refused', { service: call.service, proc: call.proc, key: call.key, code });
    ctx.reply({ type: 'reply', key: call.key, error: { code, message: text } });
  };
  const served = services.get(call.service);
  if (!served) return refuse('no-such-service', `node ${node.id} does not serve ${call.service}`);
  if (!Object.hasOwn(served.decl.procedures, call.proc)) {
    return refuse('no-such-procedure', `${call.service} has no procedure ${call.proc} (it has ${Object.keys(served.decl.procedures).join(', ')})`);
  }
  if (!isPermitted(node, call.service, ctx.peer)) {
    return refuse('permission-denied', `${ctx.peer} may not call ${call.service} (not in the access list of node ${node.id})`);
  }
  const procedure = served.decl.procedures[call.proc]!;

  // A copy of a known key is answered before the remaining checks, whatever its deadline, arguments or the
  // queue's length: the call it copies may have run, so the caller must get that call's answer, never a refusal
  // that says "not run". Copies take no worker either: a worker waiting for the running copy would sit idle
  // while the queue grows (retransmissions under load would starve the server).
  const dedup = served.governed && !procedure.readOnly ? served.stores.executions.dedup : undefined;
  const known = dedup?.recall(call.key, call.lowWater);
  const send = (answer: CachedReply) => ctx.reply({ type: 'reply', key: call.key, ...answer });
  if (known) {
    node.log('duplicate', { service: call.service, key: call.key, kind: known.kind });
    if (known.kind === 'forgotten') {
      return send({ error: { code: 'duplicate', message: `${call.key.from}:${call.key.seq} was settled and forgotten (below the sender's low-water mark)` } });
    }
    if (known.kind === 'done') return send(known.reply);
    void known.reply.then(send);
    return;
  }

  if (call.deadline < node.env.clock.now()) return refuse('deadline-exceeded', `${call.service}.${call.proc} arrived after its deadline`);
  const args = check(procedure.args, call.args);
  if (!args.ok) return refuse('invalid-args', `${call.service}.${call.proc}: invalid arguments: ${args.message}`);
  const mailbox = node.mailbox(`svc:${call.service}`, { internal: true });
  if (mailbox.full) {
    return refuse('overloaded', `the call queue of ${call.service} on node ${node.id} is full (${mailbox.capacity} calls queued or running)`);
  }
  const admission = dedup?.start(call.key);
  const queued: QueuedCall = { call, caller: ctx.peer, args: args.value, admission, reply: ctx.reply };
  // Queue entries get ids of their own: two copies of one call (a retransmission) are two entries.
  const entry = { from: call.key.from, seq: ++queuedCalls };
  mailbox.offer({ id: entry, from: ctx.peer, body: queued, mbox: `svc:${call.service}`, deliveries: 0 });
}

async function work(node: Node, service: string, served: Served, worker: string): Promise<void> {
  for (;;) {
    let delivery;
    try {
      delivery = await node.receive(`svc:${service}`, { receiver: worker, leaseMs: WORKER_LEASE_MS });
    } catch (error) {
      if (error instanceof NodeStopped) return;
      node.log('worker-error', { worker, error: (error as Error).message });
      continue;
    }
    try {
      await runCall(node, served, worker, delivery.body as QueuedCall);
    } catch (error) {
      node.log('worker-error', { worker, error: (error as Error).message });
    }
    // Nothing about a queued call is on disk (a restart loses its connection anyway): done() only frees the slot.
    delivery.done().catch(() => {});
  }
}

async function runCall(node: Node, served: Served, worker: string, queued: QueuedCall): Promise<void> {
  const { call, admission } = queued;
  const send = (answer: CachedReply) => queued.reply({ type: 'reply', key: call.key, ...answer });
  const executions: Execution[] = [];
  const context: CallContext = {
    service: call.service,
    procedure: call.proc,
    caller: queued.caller,
    key: call.key,
    deadline: call.deadline,
    worker,
    record: (execution) => executions.push({ node: node.id, by: worker, key: call.key, time: node.env.clock.now(), ...execution }),
  };
  const reply = await execute(served, call.proc, queued.args, context);
  if (served.governed && !served.decl.procedures[call.proc]!.readOnly) {
    await commit(node, served.stores, call.key, reply, executions, call.lowWater, send);
  } else {
    send(reply);
  }
  admission?.finish(reply);
}

async function execute(served: Served, proc: string, args: unknown, context: CallContext): Promise<CachedReply> {
  try {
    const result = await served.impl[proc]!(args, context);
    const checked = check(served.decl.procedures[proc]!.result, result);
    if (!checked.ok) return { error: { code: 'invalid-result', message: `${served.decl.name}.${proc} returned a bad result: ${checked.message}` } };
    return { result: checked.value };
  } catch (error) {
    const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'failed';
    return { error: { code, message: (error as Error).message ?? String(error) } };
  }
}

/**
 * The reply leaves only after the executions (and the dedup entry) are on disk, in one record; a request that
 * changed nothing needs no record unless its dedup entry must survive a restart. `ack-before-durable` replies
 * first and commits later, which is the bug.
 */
async function commit(
  node: Node,
  stores: DeliveryStores,
  key: CallKey,
  reply: CachedReply,
  executions: Execution[],
  lowWater: number | undefined,
  send: (answer: CachedReply) => void,
): Promise<void> {
  const needed = executions.length > 0 || stores.behaviour.durableDedup;
  if (!needed) return send(reply);
  if (stores.behaviour.ackBeforeDurable) {
    send(reply);
    node.env.clock.setTimeout(() => {
      stores.executions.commit(key, reply, executions, lowWater).catch((error: Error) => node.log('journal-error', { error: error.message }));
    }, DEFERRED_COMMIT_MS);
    return;
  }
  try {
    await stores.executions.commit(key, reply, executions, lowWater);
  } catch (error) {
    // Not on disk: no reply, so the caller retransmits or reports the call as indeterminate.
    node.log('journal-error', { key, error: (error as Error).message });
    return;
  }
  send(reply);
}
