import type { Node } from '../node.ts';
import type { RetransmitPolicy } from './backoff.ts';
import { ExecutionStore } from './executions.ts';
import { Outbox } from './outbox.ts';
import { RttEstimator } from './rtt.ts';
import { ServerRevival } from './revival.ts';
import { randomForNode, type Random } from '../random.ts';
import { behaviourOf, type Behaviour } from './settings.ts';

/** Everything delivery semantics keeps per node, shared by every program on it (servers, clients, consumers). */
export interface DeliveryStores {
  behaviour: Behaviour;
  policy: RetransmitPolicy;
  random: Random;
  /** The execution log (ground truth) and the dedup table. */
  executions: ExecutionStore;
  /** This node as a sender: sequence numbers and unsettled requests. */
  outbox: Outbox;
  /** Reply times seen by this node as a caller. */
  rtt: RttEstimator;
  /** Calls waiting for a server that stopped answering, retransmitted once it answers again. */
  revival: ServerRevival;
}

const perNode = new WeakMap<Node, Promise<DeliveryStores>>();

/** Opened once per node (journals can only be opened once), on first use. */
export function deliveryStoresOf(node: Node): Promise<DeliveryStores> {
  let opened = perNode.get(node);
  if (!opened) {
    opened = open(node);
    perNode.set(node, opened);
  }
  return opened;
}

async function open(node: Node): Promise<DeliveryStores> {
  const behaviour = behaviourOf(node.config.semantics, node.config.bug);
  const [executions, outbox] = await Promise.all([
    ExecutionStore.open(behaviour, node.journal),
    Outbox.open(behaviour, node.journal, node.env.clock),
  ]);
  node.log('semantics', { semantics: behaviour.semantics, bug: behaviour.bug ?? null });
  return {
    behaviour,
    policy: node.config.retransmit,
    random: randomForNode(node.id, node.config.options.seed, node.env),
    executions,
    outbox,
    rtt: new RttEstimator(),
    revival: new ServerRevival((target, timeoutMs) => node.request(target, { type: 'ping' }, { timeoutMs }), node.env.clock),
  };
}
