import { DEFAULT_RETRANSMIT, type RetransmitPolicy } from '../semantics/backoff.ts';
import type { Clock } from '../env/index.ts';
import { Outbox } from '../semantics/outbox.ts';
import type { Random } from '../random.ts';
import type { DeliveryStores } from '../semantics/delivery-stores.ts';
import { behaviourOf, type Behaviour } from '../semantics/settings.ts';
import { staticBinder, type Binder } from './binder.ts';
import type { Caller } from './caller.ts';
import { performCall, type CallSetup } from './call.ts';
import type { ClientStub, ServiceDecl } from './service.ts';

export const DEFAULT_DEADLINE_MS = 5000;

/**
 * A server keeps one low-water mark per `key.from`, so every stub of this process that calls as one sender must
 * draw from one sequence: two stubs with outboxes of their own would each announce a mark that forgets the
 * other's calls.
 */
const outboxPerSender = new WeakMap<Clock, Map<string, Outbox>>();
function outboxOf(identity: string, clock: Clock): Outbox {
  let senders = outboxPerSender.get(clock);
  if (!senders) outboxPerSender.set(clock, (senders = new Map()));
  let outbox = senders.get(identity);
  if (!outbox) {
    outbox = Outbox.inMemory(clock);
    senders.set(identity, outbox);
  }
  return outbox;
}

export interface StubOptions {
  /** Where calls go: a fixed node, or a binder (the name service). */
  target?: string;
  binder?: Binder;
  /** Per call, from its start; exceeding it throws CallTimeout. */
  deadlineMs?: number;
  /** Delivery setting of the calls (default at-most-once: one transmission). */
  behaviour?: Behaviour;
  retransmit?: RetransmitPolicy;
  /** Where sequence numbers come from (exactly-once: the durable one); default: one in memory per caller identity. */
  outbox?: Outbox;
  random?: Random;
  /**
   * Calls under a node's delivery setting (`deliveryStoresOf(node)`): its behaviour, retransmission policy, jitter,
   * outbox, round-trip estimate and server revival. The fields above, when given, take precedence.
   */
  stores?: DeliveryStores;
  onTransmit?: CallSetup['onTransmit'];
}

/**
 * The client stub, built at run time from the declaration alone: each procedure becomes an async method that
 * builds the request, sends it (retransmitting as the setting says), waits for the reply, checks it against
 * the result schema and returns it, or throws a typed error (CallTimeout, CallGaveUp, CallNotSent, RemoteError).
 */
export function clientStub<S extends ServiceDecl>(decl: S, caller: Caller, options: StubOptions = {}): ClientStub<S> {
  const binder = options.binder ?? (options.target ? staticBinder(options.target) : undefined);
  if (!binder) throw new Error(`clientStub(${decl.name}): give a target node or a binder`);
  const { stores } = options;
  const setup: CallSetup = {
    caller,
    clock: caller.env.clock,
    binder,
    behaviour: options.behaviour ?? stores?.behaviour ?? behaviourOf('at-most-once'),
    policy: options.retransmit ?? stores?.policy ?? DEFAULT_RETRANSMIT,
    random: options.random ?? stores?.random ?? caller.env.unseededRandom(),
    outbox: options.outbox ?? stores?.outbox ?? outboxOf(caller.identity, caller.env.clock),
    deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
    rtt: stores?.rtt,
    revival: stores?.revival,
    onTransmit: options.onTransmit,
  };
  const stub: Record<string, (args: unknown) => Promise<unknown>> = {};
  for (const [procedure, { result }] of Object.entries(decl.procedures)) {
    stub[procedure] = (args) => performCall(setup, { service: decl.name, procedure, args, resultSchema: result });
  }
  return stub as ClientStub<S>;
}
