import type { RunClock } from './clock.ts';
import { describeMessage, keyString, type Message } from './messages.ts';
import type { Counterexample } from '../checkers/result.ts';
import type { MessageKey, NodeLogLine, RunFolder } from './run-folder.ts';

/** One thing that happened to a counterexample's message, placed on the timeline (lane + run time). */
export interface TrailStep {
  time: number;
  lane: string;
  kind: string;
  text: string;
}

/** The story of one message id; several checkers may cite it (exactly-once repeats at-most-once's ids). */
export interface CounterexampleTrail {
  id: string;
  anchor: string;
  /** Every counterexample citing this id, with the checker that found it. */
  citations: { checker: string; counterexample: Counterexample }[];
  keys: string[];
  steps: TrailStep[];
}

/** Per violated checker, at most this many counterexamples get a full trail (the rest are listed by id). */
export const TRAILS_PER_CHECKER = 10;
/** A trail longer than this is cut (a message retransmitted for a minute has hundreds of sends). */
export const STEPS_PER_TRAIL = 200;

const LOG_EVENT_KINDS: Record<string, string> = {
  // The dedup table saw the same message key again: a retransmission arrived.
  duplicate: 'retransmission',
  'msg-out': 'send',
  'call-out': 'send',
  'msg-in': 'delivery',
  ack: 'ack',
  take: 'take',
  done: 'done',
  redeliver: 'redelivery',
  drop: 'drop',
};

export { keyString };

/**
 * Every send, retransmission, delivery and execution of each counterexample's message, from the history, the
 * executions and the node logs. Log lines are matched by message key (taken from the executions and from log
 * lines that name the op id), so retransmissions under fresh message ids are found too.
 */
export function counterexampleTrails(
  run: RunFolder,
  clock: RunClock,
  laneOfProcess: (p: string) => string,
  messages: Message[] = [],
): CounterexampleTrail[] {
  const wanted: { checker: string; counterexample: Counterexample }[] = [];
  for (const result of run.verdict.results.filter((r) => r.verdict === 'violated')) {
    for (const counterexample of result.counterexamples.slice(0, TRAILS_PER_CHECKER)) {
      wanted.push({ checker: result.checker, counterexample });
    }
  }
  if (wanted.length === 0) return [];
  const ids = new Set(wanted.map((w) => w.counterexample.id));
  const byOpId = indexLines(run, (line) => stringsIn(line).filter((s) => ids.has(s)));
  const keysOf = new Map<string, Set<string>>();
  const nodesOf = new Map<string, Set<string>>();
  for (const id of ids) {
    const keys = new Set<string>();
    const nodes = new Set<string>();
    for (const e of run.executions) {
      if (e.id !== id) continue;
      keys.add(keyString(e.key));
      nodes.add(e.node).add(e.key.from);
    }
    for (const o of run.history) if (o.value.id === id) for (const key of keysOfOp(o.value)) keys.add(key);
    for (const m of messages) if (m.op === id && m.key) keys.add(m.key);
    for (const { node, line } of byOpId.get(id) ?? []) {
      nodes.add(node);
      for (const key of keysIn(line)) keys.add(key);
    }
    for (const key of keys) nodes.add(key.slice(0, key.lastIndexOf('#')));
    keysOf.set(id, keys);
    nodesOf.set(id, nodes);
  }
  const wantedKeys = new Set([...keysOf.values()].flatMap((keys) => [...keys]));
  const byKey = indexLines(run, (line) => keysIn(line).filter((k) => wantedKeys.has(k)));
  return [...ids].map((id, i) => {
    const citations = wanted.filter((w) => w.counterexample.id === id);
    const keys = keysOf.get(id)!;
    // Sequence numbers are only unique per sender and destination service, so a key is looked for only on the
    // nodes this message touched: its sender and the nodes that executed it or named its op id.
    const nodes = nodesOf.get(id)!;
    const keyLines = [...keys].flatMap((k) => byKey.get(k) ?? []).filter((entry) => nodes.has(entry.node));
    // With the proxy's record, a transmission is shown as the proxy saw it, not as the client logged deciding it.
    const logLines = [...(byOpId.get(id) ?? []), ...keyLines].filter((entry) => messages.length === 0 || entry.line.event !== 'call-out');
    const own = messages.filter((m) => m.op === id || (m.key !== undefined && keys.has(m.key) && nodes.has(m.from) && nodes.has(m.to)));
    const steps = [
      ...historySteps(run, id, new Set(citations.flatMap((c) => c.counterexample.ops)), laneOfProcess),
      ...executionSteps(run, id, clock, own),
      ...wireSteps(own),
      ...logSteps(logLines, clock),
    ].sort((a, b) => a.time - b.time);
    return { id, anchor: `cx-${i}`, citations, keys: [...keys], steps: steps.slice(0, STEPS_PER_TRAIL) };
  });
}

/** The id's own ops, and any other op a counterexample citing it lists. */
function historySteps(run: RunFolder, id: string, listed: Set<number>, laneOfProcess: (p: string) => string): TrailStep[] {
  return run.history
    .filter((o) => o.value.id === id || listed.has(o.index))
    .map((o) => ({
      time: o.time,
      lane: laneOfProcess(String(o.process)),
      kind: o.type,
      text: `${o.type} ${o.f} on ${o.node} (history #${o.index})${answerText(o.value)}${o.error ? `: ${o.error}` : ''}`,
    }));
}

/** The message keys a client node reported for an op (history `value.keys`). */
function keysOfOp(value: Record<string, unknown>): string[] {
  return Array.isArray(value.keys) ? value.keys.filter(isKey).map(keyString) : [];
}

function answerText(value: Record<string, unknown>): string {
  const keys = keysOfOp(value);
  const parts = [
    ...(keys.length ? [`message ${keys.join(', ')}`] : []),
    ...(typeof value.answer === 'string' ? [`answer ${value.answer}`] : []),
  ];
  return parts.length ? `; ${parts.join('; ')}` : '';
}

/** Each transmission and answer as the proxy saw it: sent, what toxics did to it, each copy delivered. */
function wireSteps(messages: Message[]): TrailStep[] {
  return messages.flatMap((m) => {
    const reply = m.stream === 'downstream';
    const what = describeMessage(m);
    const steps: TrailStep[] = [
      { time: m.sent, lane: m.from, kind: reply ? 'reply' : m.retransmission ? 'retransmission' : 'send', text: `${what} entered link ${m.link}${reply ? ' (its answer direction)' : ''}` },
    ];
    for (const fate of m.fates) {
      steps.push({ time: fate.time, lane: m.to, kind: fate.event === 'dropped' ? 'drop' : fate.event, text: `${what} ${fate.event} by toxic ${fate.toxic} on link ${m.link} ${m.stream}` });
    }
    m.deliveries.forEach((time, copy) => {
      const kind = copy > 0 ? 'duplicate delivery' : reply ? 'reply delivered' : 'delivery';
      steps.push({ time, lane: m.to, kind, text: `${what} delivered${copy > 0 ? ` (copy ${copy + 1})` : ''}` });
    });
    if (m.deliveries.length === 0 && !m.fates.some((f) => f.event === 'dropped')) {
      steps.push({ time: m.sent, lane: m.to, kind: 'lost', text: `${what} never left link ${m.link} (cut wire, crash or reset)` });
    }
    return steps;
  });
}

/**
 * A node stamps an execution with its wall clock in whole milliseconds, and the run's start is a whole
 * millisecond of the same clock, so a stamp is good to about two milliseconds; the proxy times the delivery of
 * the message to a fraction of that. When a delivery of the message to that node falls within the stamp's
 * uncertainty, the execution is placed just after it, so a trail never shows a message run before it arrived.
 */
function executionSteps(run: RunFolder, id: string, clock: RunClock, messages: Message[]): TrailStep[] {
  const deliveries = new Map<string, number[]>();
  for (const m of messages) {
    if (m.stream !== 'upstream' || m.key === undefined) continue;
    const list = deliveries.get(`${m.to} ${m.key}`) ?? [];
    deliveries.set(`${m.to} ${m.key}`, [...list, ...m.deliveries]);
  }
  const placed = (e: { node: string; key: MessageKey }, stamp: number) => {
    const arrived = (deliveries.get(`${e.node} ${keyString(e.key)}`) ?? []).filter((d) => d > stamp - 1 && d < stamp + 2);
    return arrived.length ? Math.max(stamp, Math.max(...arrived) + 0.001) : stamp;
  };
  return run.executions
    .filter((e) => e.id === id)
    .map((e) => ({
      time: placed(e, clock.fromEpoch(e.time)),
      lane: e.node,
      kind: 'execution',
      text: `executed by ${e.by} as message ${keyString(e.key)}${e.intact ? '' : ' (body NOT intact)'}`,
    }));
}

interface IndexedLine {
  node: string;
  line: NodeLogLine;
}

/** One pass over every node log, keeping the lines `keysOf` finds wanted keys in. */
function indexLines(run: RunFolder, keysOf: (line: NodeLogLine) => string[]): Map<string, IndexedLine[]> {
  const index = new Map<string, IndexedLine[]>();
  for (const [file, lines] of run.nodeLogs) {
    for (const line of lines) {
      for (const key of keysOf(line)) {
        const entry = { node: line.node ?? file, line };
        const list = index.get(key);
        if (list) list.push(entry);
        else index.set(key, [entry]);
      }
    }
  }
  return index;
}

function logSteps(matches: IndexedLine[], clock: RunClock): TrailStep[] {
  const seen = new Set<NodeLogLine>();
  const entries = matches.filter(({ line }) => !seen.has(line) && seen.add(line) !== undefined);
  entries.sort((a, b) => a.line.ts - b.line.ts);
  // The first msg-out of a key from a node is its send; every later one is a retransmission.
  const sent = new Set<string>();
  return entries.map(({ node, line }) => {
    let kind = LOG_EVENT_KINDS[line.event] ?? line.event;
    const key = keysIn(line)[0];
    if (/retrans/.test(line.event)) kind = 'retransmission';
    else if (line.event === 'msg-out' && key !== undefined) {
      if (sent.has(`${node} ${key}`)) kind = 'retransmission';
      sent.add(`${node} ${key}`);
    }
    return { time: clock.fromEpoch(line.ts), lane: node, kind, text: describeLogLine(line) };
  });
}

function describeLogLine(line: NodeLogLine): string {
  const { ts: _ts, node: _node, event, ...fields } = line;
  const details = Object.entries(fields)
    .map(([k, v]) => `${k}=${isKey(v) ? keyString(v) : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  return `${event}${details ? ` ${details}` : ''}`;
}

/** Message keys a log line carries in any field, one level deep (`id`, `key`, `msg.id` ...). */
function keysIn(line: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const value of Object.values(line)) {
    if (isKey(value)) keys.push(keyString(value));
    else if (value && typeof value === 'object') for (const inner of Object.values(value)) if (isKey(inner)) keys.push(keyString(inner));
  }
  return keys;
}

function stringsIn(line: Record<string, unknown>): string[] {
  const strings: string[] = [];
  for (const value of Object.values(line)) {
    if (typeof value === 'string') strings.push(value);
    else if (value && typeof value === 'object') for (const inner of Object.values(value)) if (typeof inner === 'string') strings.push(inner);
  }
  return strings;
}

function isKey(value: unknown): value is MessageKey {
  return (
    typeof value === 'object' && value !== null && typeof (value as MessageKey).from === 'string' && typeof (value as MessageKey).seq === 'number'
  );
}
