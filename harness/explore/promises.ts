import type { CheckOptions } from '../checkers/index.ts';
import type { Guarantee, Semantics } from '../scenario.ts';

/**
 * What each delivery setting promises, from docs/SEMANTICS.md's settings x failures table: the property an
 * explore checks. Some promises depend on the faults: a volatile dedup table is lost with a receiver crash, and an
 * in-flight message is forgotten with its sender's crash unless an outbox keeps it.
 */
export interface Promised {
  guarantees: Guarantee[];
  options: CheckOptions;
}

export interface ScheduleFacts {
  /** A node running the workload's client (a sender) is crashed. */
  senderCrash: boolean;
  /** A node serving the log or a mailbox (a receiver) is crashed. */
  receiverCrash: boolean;
}

/** Every setting keeps messages whole and never frames badly on a clean link. */
const ALWAYS: Guarantee[] = ['integrity', 'clean-links'];

export function promisedBy(semantics: Semantics, facts: ScheduleFacts): Promised {
  switch (semantics) {
    case 'at-most-once':
      // at-least-once without eventual delivery: every acknowledged op ran and no op reported failed ran.
      return { guarantees: ['at-most-once', 'at-least-once', ...ALWAYS], options: { eventual: false } };
    case 'at-least-once':
      return { guarantees: ['at-least-once', ...ALWAYS], options: { eventual: !facts.senderCrash } };
    case 'exactly-once-volatile':
      return {
        guarantees: [...(facts.receiverCrash ? [] : (['at-most-once'] as Guarantee[])), 'at-least-once', 'exclusive-receive', ...ALWAYS],
        options: { eventual: !facts.senderCrash },
      };
    case 'exactly-once':
      return { guarantees: ['exactly-once', 'exclusive-receive', ...ALWAYS], options: { eventual: true } };
  }
}
