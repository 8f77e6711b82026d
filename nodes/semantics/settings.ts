// The delivery settings and the bug zoo, named exactly as in config, logs, scenarios and docs/SEMANTICS.md.

export const SEMANTICS = ['at-most-once', 'at-least-once', 'exactly-once-volatile', 'exactly-once'] as const;
export type Semantics = (typeof SEMANTICS)[number];

/** Deliberately broken variants; each one is a scenario's expected violation (docs/SEMANTICS.md says how). */
export const BUGS = [
  'ack-before-durable',
  'volatile-dedup',
  'seq-restart',
  'no-reply-cache',
  'fresh-id-per-retransmit',
  'skip-checksum',
  'shared-receive',
  'give-up-as-fail',
  'no-fsync',
] as const;
export type Bug = (typeof BUGS)[number];

/** What one node does, derived once from its config so the hot path reads booleans, not strings. */
export interface Behaviour {
  semantics: Semantics;
  bug?: Bug;
  /** The sender retransmits until an answer comes (every setting but at-most-once). */
  retransmits: boolean;
  /** The receiver filters repeated (sender, seq) and replays the cached reply. */
  dedups: boolean;
  /** The dedup table and reply cache survive a restart (rebuilt from the journal). */
  durableDedup: boolean;
  /** The sender keeps its next sequence number and unacknowledged calls on disk. */
  durableOutbox: boolean;
  /** A duplicate that finished earlier gets its cached reply (false: `no-reply-cache` re-runs it). */
  replyCache: boolean;
  /** The reply leaves before the execution record is on disk (`ack-before-durable`). */
  ackBeforeDurable: boolean;
  /** Every retransmission carries a new sequence number (`fresh-id-per-retransmit`). */
  freshIdPerRetransmit: boolean;
  /** The sequence counter is not kept across a restart and starts again at 0 (`seq-restart`). */
  sequenceRestartsAtZero: boolean;
  /** A call whose outcome is unknown is reported as failed instead of indeterminate (`give-up-as-fail`). */
  unknownReportedAsFail: boolean;
  /** Frames are checked against their CRC-32C (false: `skip-checksum` takes corrupt frames). */
  verifiesChecksum: boolean;
  /** Concurrent receivers of one mailbox may be handed the same message (`shared-receive`). */
  sharedReceive: boolean;
  /** A journal append counts as durable once fsynced (false: `no-fsync` stops at the page cache). */
  fsyncsJournal: boolean;
}

export function parseSemantics(name: string): Semantics {
  if ((SEMANTICS as readonly string[]).includes(name)) return name as Semantics;
  throw new Error(`unknown semantics "${name}"; expected one of ${SEMANTICS.join(', ')}`);
}

export function parseBug(name: string | undefined): Bug | undefined {
  if (name === undefined || name === '') return undefined;
  if ((BUGS as readonly string[]).includes(name)) return name as Bug;
  throw new Error(`unknown bug "${name}"; expected one of ${BUGS.join(', ')}`);
}

export function behaviourOf(semanticsName: string, bugName?: string): Behaviour {
  const semantics = parseSemantics(semanticsName);
  const bug = parseBug(bugName);
  const dedups = semantics === 'exactly-once-volatile' || semantics === 'exactly-once';
  const exactlyOnce = semantics === 'exactly-once';
  return {
    semantics,
    bug,
    retransmits: semantics !== 'at-most-once',
    dedups,
    durableDedup: exactlyOnce && bug !== 'volatile-dedup',
    durableOutbox: exactlyOnce && bug !== 'seq-restart',
    replyCache: bug !== 'no-reply-cache',
    ackBeforeDurable: bug === 'ack-before-durable',
    freshIdPerRetransmit: bug === 'fresh-id-per-retransmit',
    sequenceRestartsAtZero: bug === 'seq-restart',
    unknownReportedAsFail: bug === 'give-up-as-fail',
    verifiesChecksum: bug !== 'skip-checksum',
    sharedReceive: bug === 'shared-receive',
    fsyncsJournal: bug !== 'no-fsync',
  };
}
