import type { Node } from '../node.ts';
import type { CallKey } from './dedup.ts';
import type { DeliveryStores } from './delivery-stores.ts';

// The receiving side of 1-way messages under the deduplicating settings: a copy of a message that is already
// queued here, or was already acted on, is acknowledged again but not queued twice. The queued set lives in
// memory (a restart forgets it; the consumer's durable check then still catches a second copy under
// exactly-once), and shrinks with each sender's low-water mark.

const installed = new WeakSet<Node>();

export function installAdmission(node: Node, stores: DeliveryStores): void {
  const dedup = stores.executions.dedup;
  if (!dedup || installed.has(node)) return;
  installed.add(node);
  const queued = new Map<string, { lowWater: number; seqs: Set<number> }>();
  node.setAdmission((message) => {
    const key: CallKey = message.id;
    const lowWater = lowWaterOf(message.body);
    let sender = queued.get(key.from);
    if (!sender) queued.set(key.from, (sender = { lowWater: 0, seqs: new Set() }));
    if (lowWater > sender.lowWater) {
      sender.lowWater = lowWater;
      for (const seq of sender.seqs) if (seq < lowWater) sender.seqs.delete(seq);
    }
    if (sender.seqs.has(key.seq) || dedup.has(key)) return 'duplicate';
    sender.seqs.add(key.seq);
    return 'deliver';
  });
}

export function lowWaterOf(body: unknown): number {
  const value = (body as { lowWater?: unknown } | null)?.lowWater;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}
