import { bodyDigest } from '../../nodes/semantics/integrity.ts';
import type { Rng } from '../random.ts';

/** The kinds of operation a workload issues through a node running program `client` (service `workload`). */
export type OpKind = 'append' | 'send' | 'receive';

/** Weights of each kind of operation, e.g. `{append: 3, send: 1}`. */
export type Mix = Partial<Record<OpKind, number>>;

export interface PlannedOp {
  id: string;
  f: OpKind;
  /** The node that issues it (runs program `client`). */
  client: string;
  body: string;
  digest: string;
}

/**
 * The whole list of operations of a run, drawn up front from the seed: which kind each op is and what it
 * carries does not depend on timing, so a replay issues the same ops in the same order.
 */
export function planOps(count: number, mix: Mix, clients: string[], rng: Rng): PlannedOp[] {
  const kinds = (Object.entries(mix) as [OpKind, number][]).filter(([, weight]) => weight > 0);
  if (kinds.length === 0) throw new Error('workload mix has no operation kind with a positive weight');
  if (clients.length === 0) throw new Error('workload has no client node (a node running program "client")');
  const total = kinds.reduce((sum, [, weight]) => sum + weight, 0);
  return Array.from({ length: count }, (_, i) => {
    let draw = rng.next() * total;
    const f = kinds.find(([, weight]) => (draw -= weight) < 0)?.[0] ?? kinds[kinds.length - 1]![0];
    const body = `op-${i}:${rng.next().toString(36).slice(2, 10)}`;
    return { id: `op-${i}`, f, client: clients[i % clients.length]!, body, digest: bodyDigest(body) };
  });
}
