import type { Rng } from '../random.ts';
import { crash } from './crash.ts';
import { cutWire } from './cut-wire.ts';
import type { Fault, FaultWindow } from './fault.ts';
import { latency } from './latency.ts';
import { loseMessages } from './lose-messages.ts';
import { loseReplies } from './lose-replies.ts';
import { pause } from './pause.ts';

/** Fault kinds the generator can draw; each is built from a link or a node picked by the seeded RNG. */
const makers = {
  'lose-messages': (link: string) => loseMessages(link),
  'lose-replies': (link: string) => loseReplies(link),
  'cut-wire': (link: string) => cutWire(link),
  latency: (link: string) => latency(link, { ms: 100 }),
  crash: (_link: string, node: string) => crash(node),
  pause: (_link: string, node: string) => pause(node),
} satisfies Record<string, (link: string, node: string) => Fault>;

export type GeneratedFaultKind = keyof typeof makers;

export interface GenerateOptions {
  kinds: GeneratedFaultKind[];
  /** Links the generator may hit (`A->B`). */
  links: string[];
  /** Nodes the generator may crash or pause (default: the `to` end of each link). */
  nodes?: string[];
  count: number;
  /** Windows start within [0, spanMs) of the workload and last [minMs, maxMs]. */
  spanMs: number;
  minMs?: number;
  maxMs?: number;
}

export type FaultGenerator = (rng: Rng) => FaultWindow[];

/**
 * A fault schedule drawn from the run's seed: the same seed draws the same windows. Windows of one kind never
 * overlap on the same target, so that each start has a matching stop.
 */
export function randomFaults(options: GenerateOptions): FaultGenerator {
  const { kinds, links, count, spanMs, minMs = 100, maxMs = 400 } = options;
  const nodes = options.nodes ?? [...new Set(links.map((link) => link.split('->')[1]!.trim()))];
  return (rng) => {
    const windows: FaultWindow[] = [];
    const busyUntil = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const kind = rng.pick(kinds);
      const link = rng.pick(links);
      const node = rng.pick(nodes);
      const target = kind === 'crash' || kind === 'pause' ? node : link;
      const at = Math.max(rng.int(0, spanMs - 1), busyUntil.get(target) ?? 0);
      const duration = rng.int(minMs, maxMs);
      busyUntil.set(target, at + duration + 1);
      windows.push({ fault: makers[kind](link, node), at, duration });
    }
    return windows;
  };
}
