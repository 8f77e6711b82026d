import * as z from 'zod';
import { NotSent, ReceiveTimeout, RemoteError } from '../errors.ts';
import { provesRan } from '../error-codes.ts';
import { useNameService } from '../names/client.ts';
import { staticBinder, type Binder } from '../rpc/binder.ts';
import { callerFromNode } from '../rpc/caller.ts';
import { NoServer } from '../rpc/errors.ts';
import { resumeCall, type CallSetup } from '../rpc/call.ts';
import { failedOutcome, OUTCOMES } from '../rpc/outcome.ts';
import { serveService } from '../rpc/server.ts';
import { defineService } from '../rpc/service.ts';
import { clientStub, DEFAULT_DEADLINE_MS } from '../rpc/stub.ts';
import { deliveryStoresOf } from '../semantics/delivery-stores.ts';
import { resumeOneWay, sendOneWay } from '../semantics/one-way.ts';
import { registerProgram } from './index.ts';
import { logService } from './log.ts';

// Program `client`: the workload driver the harness calls directly. `workload.append` calls `log.append` on the
// server bound through the name service (or options.target) under this node's delivery setting; `workload.send`
// sends a 1-way message. Each returns what the history records: ok (answered), fail (certainly not executed) or
// info (may have been executed). Under exactly-once, calls left unsettled by a crash are resent after a restart.

/** What the history records of one op (the outcome's values are `Outcome`, nodes/rpc/outcome.ts). */
const OpResult = z.object({
  outcome: z.enum(OUTCOMES),
  error: z.string().optional(),
  /** The message keys the call went out under (one, or one per transmission with fresh ids). */
  keys: z.array(z.object({ from: z.string(), seq: z.number().int() })).optional(),
  /**
   * What the server answered: `result`, `duplicate-forgotten` (the key ran and was settled long ago, so no
   * result is left to send), or `error:<code>`; absent when no answer came.
   */
  answer: z.string().optional(),
});
const Op = z.object({ id: z.string().min(1), body: z.string(), digest: z.string() });

export const workloadService = defineService('workload', {
  append: { args: Op, result: OpResult },
  send: { args: Op.extend({ node: z.string().min(1), mbox: z.string().min(1).default('inbox') }), result: OpResult },
  /**
   * A competing receiver on another node's mailbox: takes its head message under a lease of `leaseMs` and does not
   * consume it (it stands for a receiver that fails before acting), so the lease expires and the owner's consumers
   * get the message again. `got` says which message it held and until when; an empty mailbox is `ok` without it.
   */
  receive: {
    args: z.object({
      node: z.string().min(1),
      mbox: z.string().min(1).default('inbox'),
      leaseMs: z.number().int().positive(),
      timeoutMs: z.number().int().nonnegative(),
    }),
    result: OpResult.extend({
      got: z
        .object({ id: z.string().optional(), key: z.object({ from: z.string(), seq: z.number() }), receiver: z.string(), takenAt: z.number(), leaseUntil: z.number(), copy: z.string().optional() })
        .optional(),
    }),
  },
  /** How many messages this node is still retransmitting: the harness drains until none are left. */
  unsettled: { args: z.object({}), result: z.object({ unsettled: z.number().int().nonnegative() }) },
});

const Options = z.object({
  /** Fixed server node for `log` (else the name service binds). */
  target: z.string().min(1).optional(),
  /** Deadline of each inner call (also bounded by the harness's own deadline). */
  deadlineMs: z.number().int().positive().default(DEFAULT_DEADLINE_MS),
  /** Concurrent workload operations this node runs. */
  workloadWorkers: z.number().int().positive().default(64),
});

/** How long a remote `receive` waits for its answer beyond the receive's own timeout. */
const RECEIVE_ANSWER_MS = 1000;

const RemoteDelivery = z.looseObject({
  type: z.literal('delivery'),
  id: z.object({ from: z.string(), seq: z.number() }),
  body: z.unknown(),
  receiver: z.string(),
  takenAt: z.number(),
  leaseUntil: z.number(),
  copy: z.string().optional(),
});

/** Time kept back from the harness's deadline, so our answer reaches it before it gives up. */
const ANSWER_MARGIN_MS = 250;

registerProgram('client', async (node) => {
  const options = Options.parse(node.config.options);
  const stores = await deliveryStoresOf(node);
  const names = useNameService(node);
  const binder: Binder = options.target ? staticBinder(options.target) : names ? names.binder : missingBinder();
  const setupFor = (deadlineMs: number): CallSetup => ({
    caller: callerFromNode(node),
    clock: node.env.clock,
    binder,
    behaviour: stores.behaviour,
    policy: stores.policy,
    random: stores.random,
    outbox: stores.outbox,
    deadlineMs,
    rtt: stores.rtt,
    revival: stores.revival,
  });
  const innerDeadline = (outer: number) => Math.max(1, Math.min(options.deadlineMs, outer - node.env.clock.now() - ANSWER_MARGIN_MS));

  await serveService(
    node,
    workloadService,
    {
      append: async (op, call) => {
        const keys: { from: string; seq: number }[] = [];
        // One log line per transmission ties the op id to its message key, so a trail finds the lost copies.
        const onTransmit = ({ key, attempt, node: to }: { key: { from: string; seq: number }; attempt: number; node: string }) => {
          if (!keys.some((k) => k.seq === key.seq)) keys.push(key);
          node.log('call-out', { op: op.id, key, attempt, to });
        };
        const log = clientStub(logService, callerFromNode(node), { stores, binder, deadlineMs: innerDeadline(call.deadline), onTransmit });
        try {
          await log.append(op);
          return { outcome: 'ok' as const, keys, answer: 'result' };
        } catch (error) {
          // The server says this key ran and was settled long ago: an honest sender never hears that for a call
          // it is still making, so a client believes it (which is how `seq-restart` turns into lost appends).
          if (error instanceof RemoteError && provesRan(error.code)) return { outcome: 'ok' as const, keys, answer: 'duplicate-forgotten' };
          return { ...failedOutcome(error, stores.behaviour), keys, ...(error instanceof RemoteError ? { answer: `error:${error.code}` } : {}) };
        }
      },
      send: async ({ id, body, digest, node: to, mbox }, call) => {
        try {
          await sendOneWay(node, stores, { node: to, mbox }, { id, body, digest }, innerDeadline(call.deadline));
          return { outcome: 'ok' as const };
        } catch (error) {
          return failedOutcome(error, stores.behaviour);
        }
      },
      receive: async ({ node: owner, mbox, leaseMs, timeoutMs }) => {
        try {
          const answer = RemoteDelivery.parse(
            await node.request(owner, { type: 'receive', mbox, timeoutMs, leaseMs }, { timeoutMs: timeoutMs + RECEIVE_ANSWER_MS }),
          );
          const id = typeof answer.body === 'object' && answer.body !== null ? (answer.body as { id?: unknown }).id : undefined;
          node.log('remote-take', { id: answer.id, mbox, owner, receiver: answer.receiver, leaseUntil: answer.leaseUntil });
          const got = {
            key: answer.id,
            receiver: answer.receiver,
            takenAt: answer.takenAt,
            leaseUntil: answer.leaseUntil,
            ...(answer.copy !== undefined ? { copy: answer.copy } : {}),
          };
          return { outcome: 'ok' as const, got: typeof id === 'string' ? { ...got, id } : got };
        } catch (error) {
          if (error instanceof ReceiveTimeout) return { outcome: 'ok' as const };
          // Never sent: certainly holds nothing. Anything else may hold a message under a lease it will lose.
          const failed = failedOutcome(error, stores.behaviour);
          return { ...failed, outcome: error instanceof NotSent ? ('fail' as const) : ('info' as const) };
        }
      },
      unsettled: async () => ({ unsettled: stores.outbox.unsettledCount }),
    },
    { semantics: false, workers: options.workloadWorkers },
  );

  for (const entry of stores.outbox.recovered) {
    if (entry.message.type === 'call') void resumeCall(setupFor(stores.policy.giveUpMs), entry.seq, entry.target, entry.message);
    else void resumeOneWay(node, stores, entry.seq, entry.message);
  }
  if (stores.outbox.recovered.length > 0) node.log('outbox-resumed', { unsettled: stores.outbox.recovered.length });
});

function missingBinder(): Binder {
  return {
    // Nothing was sent, so the op certainly did not run: NoServer is reported `fail`.
    candidates: async (service) => {
      throw new NoServer(service, 'this client program has neither options.target nor a name service (--name-service)');
    },
    suspect: () => {},
  };
}
