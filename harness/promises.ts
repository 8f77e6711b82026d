import type { CheckOptions } from './checkers/index.ts';
import type { Guarantee, Semantics } from './scenario.ts';

// What each delivery setting promises under each failure: the one home of docs/SEMANTICS.md's settings x failures
// table (written from here by test/scenarios/semantics-table.ts), of the `matrix` command's rows and columns, of
// the property an explore checks (promisedBy), and of what a catalogue scenario of a setting may expect
// (test/scenarios/semantics-doc.test.ts holds the catalogue to it).

/** The delivery settings, in the order of the table's rows and the matrix's. */
export const SETTINGS = ['at-most-once', 'at-least-once', 'exactly-once-volatile', 'exactly-once'] as const satisfies readonly Semantics[];

interface FailurePromises {
  /** The failure as the table's column heads it; a failure without one is a matrix column only. */
  title?: string;
  /** The catalogue scenario whose workload and fault schedule the matrix runs as this failure. */
  scenario: string;
  /** Per setting, per op hit by the failure: how many times it runs and what the history says. */
  outcome?: Record<Semantics, string>;
}

/** The failures, in the order of the table's columns and the matrix's. */
export const FAILURES = {
  'lost-message': {
    title: 'lost message',
    scenario: 'lost-message-exactly-once',
    outcome: {
      'at-most-once': '0 runs, `info`',
      'at-least-once': '1 run after healing, `ok`',
      'exactly-once-volatile': '1 run, `ok`',
      'exactly-once': '1 run, `ok`',
    },
  },
  'lost-reply': {
    title: 'lost reply',
    scenario: 'lost-reply-exactly-once',
    outcome: {
      'at-most-once': '1 run, `info`',
      'at-least-once': '2+ runs, `ok`',
      'exactly-once-volatile': '1 run, `ok`',
      'exactly-once': '1 run, `ok`',
    },
  },
  duplicate: {
    title: 'duplicated message (the network delivers a copy)',
    scenario: 'duplicate-message-exactly-once',
    outcome: {
      'at-most-once': '**2 runs**: the receiver runs every copy it gets, `ok`',
      'at-least-once': '2 runs, `ok`',
      'exactly-once-volatile': '1 run, `ok` (the copy is filtered)',
      'exactly-once': '1 run, `ok` (the copy is filtered)',
    },
  },
  'cut-wire': {
    title: 'cut wire (reset mid-call)',
    scenario: 'cut-wire-exactly-once',
    outcome: {
      'at-most-once': '0 or 1 run, `info`',
      'at-least-once': '1+ runs, `ok`',
      'exactly-once-volatile': '1 run, `ok`',
      'exactly-once': '1 run, `ok`',
    },
  },
  'receiver-crash': {
    title: 'receiver crash (SIGKILL + restart)',
    scenario: 'receiver-crash-exactly-once',
    outcome: {
      'at-most-once': '0 or 1 run, `info`',
      'at-least-once': '1+ runs, `ok` (may run again after restart)',
      'exactly-once-volatile': '**2 runs possible**: a retransmission after the restart runs again',
      'exactly-once': '1 run, `ok` (table and reply cache recovered)',
    },
  },
  'sender-crash': {
    title: 'sender crash (SIGKILL + restart)',
    scenario: 'sender-crash-exactly-once',
    outcome: {
      'at-most-once': '0 or 1 run, `info`',
      'at-least-once': 'in-flight op forgotten: 0..n runs, `info`',
      'exactly-once-volatile': 'in-flight op forgotten: 0 or 1 run, `info`',
      'exactly-once': '1 run after the restart (outbox resends), `info` for the crashed call',
    },
  },
  partition: {
    title: 'partition (then heal)',
    scenario: 'partition-fail-over-at-least-once',
    outcome: {
      'at-most-once': '0 runs (`fail` if refused, else `info`)',
      'at-least-once': '1+ runs after healing, `ok`',
      'exactly-once-volatile': '1 run after healing, `ok`',
      'exactly-once': '1 run after healing, `ok`',
    },
  },
} as const satisfies Record<string, FailurePromises>;
export type Failure = keyof typeof FAILURES;

/** Over every failure: what the at-most-once and at-least-once checkers find under each setting. */
export const CHECKED: Record<Semantics, Record<'at-most-once' | 'at-least-once', string>> = {
  'at-most-once': { 'at-most-once': 'holds unless the network duplicates a message', 'at-least-once': 'holds for `ok` ops; eventual delivery violated' },
  'at-least-once': { 'at-most-once': 'violated (lost reply, receiver crash)', 'at-least-once': 'holds; eventual violated by sender crash' },
  'exactly-once-volatile': { 'at-most-once': 'violated by a receiver crash', 'at-least-once': 'holds' },
  'exactly-once': { 'at-most-once': 'holds', 'at-least-once': 'holds (eventual too, if the sender restarts)' },
};

/** The guarantees a setting promises under a fault schedule, and how they are checked. */
export interface Promised {
  guarantees: Guarantee[];
  options: CheckOptions;
}

/** What of a fault schedule changes a promise: a volatile dedup table or an in-memory outbox is lost with a crash. */
export interface ScheduleFacts {
  /** A node running the workload's client (a sender) is crashed. */
  senderCrash: boolean;
  /** A node serving the log or a mailbox (a receiver) is crashed. */
  receiverCrash: boolean;
  /**
   * A link delivers some frame twice. The at-most-once setting sends once but filters nothing, so it keeps
   * at-most-once only on a network that never repeats a message (TCP's own retransmissions never reach it).
   */
  duplicates: boolean;
}

/** Every setting keeps messages whole and never frames badly on a clean link. */
const ALWAYS: Guarantee[] = ['integrity', 'clean-links'];

/** The table's promises as checkable guarantees: what an explore checks and a catalogue scenario may expect. */
export function promisedBy(semantics: Semantics, facts: ScheduleFacts): Promised {
  switch (semantics) {
    case 'at-most-once':
      // at-least-once without eventual delivery: every acknowledged op ran and no op reported failed ran.
      return { guarantees: [...(facts.duplicates ? [] : (['at-most-once'] as Guarantee[])), 'at-least-once', ...ALWAYS], options: { eventual: false } };
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
