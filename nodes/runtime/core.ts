import type { NodeConfig } from '../config.ts';
import type { Env } from '../env/index.ts';
import { logAs } from '../log.ts';
import type { LogEvent, LogFields } from '../log-events.ts';
import { behaviourOf, type Behaviour } from '../semantics/settings.ts';
import { withTimeout } from '../time.ts';

/** Counters logged on stop and answered to `stats`. */
export interface NodeCounters {
  connections: number;
  messagesIn: number;
  messagesOut: number;
  acks: number;
  takes: number;
  dones: number;
  redeliveries: number;
  rejectedFrames: number;
  drops: Record<string, number>;
}

/**
 * What every part of a node shares: its identity and config, the behaviour derived from it once (so that the hot
 * path reads booleans), the counters, the log, and the background work that stop() waits for.
 */
export class NodeCore {
  readonly id: string;
  readonly behaviour: Behaviour;
  readonly counters: NodeCounters = {
    connections: 0,
    messagesIn: 0,
    messagesOut: 0,
    acks: 0,
    takes: 0,
    dones: 0,
    redeliveries: 0,
    rejectedFrames: 0,
    drops: {},
  };
  stopping = false;
  private readonly background = new Set<Promise<unknown>>();

  constructor(
    readonly config: NodeConfig,
    readonly env: Env,
  ) {
    this.id = config.id;
    this.behaviour = behaviourOf(config.semantics, config.bug);
  }

  log<E extends LogEvent>(event: E, fields: LogFields<E>): void {
    logAs(this.id, event, fields, this.env.clock, this.env.logOutput);
  }

  /** A message or frame this node did not take: counted by reason and logged, never silent. */
  drop(reason: string, fields: object): void {
    this.counters.drops[reason] = (this.counters.drops[reason] ?? 0) + 1;
    this.log('drop', { reason, ...fields });
  }

  /** Work that outlives the call that started it; stop() gives it time to end. */
  track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => {}).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /**
   * Wait up to `ms` for the background work. The timer goes as soon as it ends: left running, it held the event
   * loop of a harness that embeds a node after everything else had finished.
   */
  async drainBackground(ms: number): Promise<void> {
    await withTimeout(this.env.clock, Promise.all(this.background), ms, () => new Error('background work still running')).catch(() => {});
  }
}
