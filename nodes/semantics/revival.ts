// A sender's calls to a server that went down wait on their retransmission timers, which by then have backed off
// to the policy's cap, and which all started together when the server fell: after the server comes back, each
// call idles until its own timer fires. So while calls wait for a server, the sender probes it (a ping every
// PROBE_EVERY_MS), and the first answer from it, to a probe or to any call, makes every call with no transmission
// left in flight to it (each one was refused or lost with its connection) retransmit at once. Calls still waiting
// on a transmission are left alone: their copy may yet be answered, and a second one would only load the server.

import type { Clock } from '../env/index.ts';
import { realEnv } from '../env/real.ts';
import { sleep } from '../time.ts';

const PROBE_EVERY_MS = 50;
const PROBE_TIMEOUT_MS = 1_000;

/** Asks `node` whether it answers at all (rejects when it does not). */
export type Probe = (node: string, timeoutMs: number) => Promise<unknown>;

export class ServerRevival {
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(
    private readonly probe: Probe,
    private readonly clock: Clock = realEnv.clock,
  ) {}

  /** Run `retransmit` when `node` next answers; the returned function cancels. */
  wait(node: string, retransmit: () => void): () => void {
    let waiters = this.waiting.get(node);
    if (!waiters) {
      this.waiting.set(node, (waiters = new Set()));
      void this.probeWhileWaited(node, waiters);
    }
    waiters.add(retransmit);
    return () => {
      waiters.delete(retransmit);
      if (waiters.size === 0 && this.waiting.get(node) === waiters) this.waiting.delete(node);
    };
  }

  /** `node` answered: it serves again. */
  answered(node: string): void {
    const waiters = this.waiting.get(node);
    if (!waiters) return;
    this.waiting.delete(node);
    for (const retransmit of waiters) retransmit();
  }

  private async probeWhileWaited(node: string, waiters: Set<() => void>): Promise<void> {
    while (this.waiting.get(node) === waiters) {
      await sleep(this.clock, PROBE_EVERY_MS);
      if (this.waiting.get(node) !== waiters) return;
      try {
        await this.probe(node, PROBE_TIMEOUT_MS);
      } catch {
        continue; // still down
      }
      this.answered(node);
    }
  }
}
