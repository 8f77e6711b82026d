import type { MessageKey, WireRecord } from './run-folder.ts';

/**
 * Node-to-node messages as the proxy saw them (wire.jsonl): one per frame that entered a link, with every copy
 * that left it and whatever a toxic did on the way. Requests travel a link's upstream (A to B); answers travel
 * its downstream (B back to A) on the same connection, and carry the request's `rid`, which ties a reply to its
 * call and so to the call's op id and message key.
 */
export interface Message {
  from: string;
  to: string;
  link: string;
  stream: 'upstream' | 'downstream';
  sent: number;
  /** When each copy left the link (none: lost; two: duplicated). */
  deliveries: number[];
  /** What toxics did to it, in order. */
  fates: { event: 'dropped' | 'duplicated' | 'corrupted' | 'delayed'; toxic: string; time: number }[];
  bytes: number;
  type: string;
  /** The request's message key (for an answer: the key of the call it answers). */
  key?: string;
  /** The op id the message (or the call an answer answers) carries. */
  op?: string;
  /** A later transmission of the same op by this link's sender: under a key it already sent, or a fresh one. */
  retransmission: boolean;
  /** A retransmission under a new message key (which a deduplicating server cannot recognise). */
  freshKey?: boolean;
  /** The op an earlier message under the same key carried, when it was another op (a sender reusing keys). */
  keyReusedFrom?: string;
  /** An answer's error code (`duplicate` ...). */
  error?: string;
}

/** Per directed link: messages, bytes, and what the proxy's toxics did. */
export interface LinkFigures {
  link: string;
  messages: number;
  bytes: number;
  dropped: number;
  duplicated: number;
  corrupted: number;
  delayed: number;
  /** Messages that entered and never left, though no frame toxic says it dropped them (a cut wire, a crash). */
  undelivered: number;
}

export const keyString = (key: MessageKey) => `${key.from}#${key.seq}`;

export function messagesOf(wire: WireRecord[]): Message[] {
  const byFrame = new Map<string, Message>();
  const messages: Message[] = [];
  // A request's op and key by connection and rid, so that its answer (the same rid, coming back) inherits them.
  const requests = new Map<string, { op?: string; key?: string }>();
  // The op each key was last sent for, and the ops sent, per link.
  const sentKeys = new Map<string, string | undefined>();
  const sentOps = new Set<string>();
  const frameId = (r: WireRecord) => `${r.link} ${r.stream} ${r.connection} ${r.frame}`;
  for (const record of [...wire].sort((a, b) => a.time - b.time)) {
    if (record.event === 'sent') {
      const [a, b] = record.link.split('->') as [string, string];
      const upstream = record.stream === 'upstream';
      const key = record.key ? keyString(record.key) : undefined;
      const request = `${record.link} ${record.connection} ${record.rid}`;
      const answered = !upstream && record.rid !== undefined ? requests.get(request) : undefined;
      if (upstream && record.rid !== undefined) requests.set(request, { op: record.op, key });
      const linkKey = `${record.link} ${key}`;
      const earlier = upstream && key !== undefined && sentKeys.has(linkKey);
      const earlierOp = earlier ? sentKeys.get(linkKey) : undefined;
      const reused = earlier && earlierOp !== undefined && record.op !== undefined && earlierOp !== record.op;
      const opAgain = upstream && record.op !== undefined && sentOps.has(`${record.link} ${record.op}`);
      const freshKey = opAgain && !earlier;
      const message: Message = {
        from: upstream ? a : b,
        to: upstream ? b : a,
        link: record.link,
        stream: record.stream,
        sent: record.time,
        deliveries: [],
        fates: [],
        bytes: record.bytes,
        type: record.type ?? '?',
        key: key ?? answered?.key,
        op: record.op ?? answered?.op,
        retransmission: (earlier && !reused) || freshKey,
        ...(freshKey ? { freshKey } : {}),
        ...(reused ? { keyReusedFrom: earlierOp } : {}),
        ...(record.error ? { error: record.error } : {}),
      };
      if (upstream && key !== undefined && (!earlier || record.op !== undefined)) sentKeys.set(linkKey, record.op);
      if (upstream && record.op !== undefined) sentOps.add(`${record.link} ${record.op}`);
      byFrame.set(frameId(record), message);
      messages.push(message);
      continue;
    }
    const message = byFrame.get(frameId(record));
    if (!message) continue;
    if (record.event === 'delivered') message.deliveries.push(record.time);
    else message.fates.push({ event: record.event, toxic: record.toxic ?? '?', time: record.time });
  }
  return messages;
}

export function linkFigures(messages: Message[]): LinkFigures[] {
  const figures = new Map<string, LinkFigures>();
  for (const m of messages) {
    const name = `${m.from}->${m.to}`;
    let f = figures.get(name);
    if (!f) figures.set(name, (f = { link: name, messages: 0, bytes: 0, dropped: 0, duplicated: 0, corrupted: 0, delayed: 0, undelivered: 0 }));
    f.messages++;
    f.bytes += m.bytes;
    for (const fate of m.fates) f[fate.event]++;
    if (m.deliveries.length === 0 && !m.fates.some((x) => x.event === 'dropped')) f.undelivered++;
  }
  return [...figures.values()].sort((a, b) => a.link.localeCompare(b.link, 'en', { numeric: true }));
}

/** How a message is named in a trail and a tooltip: `call log.append n1#17 (retransmission)`. */
export function describeMessage(m: Message): string {
  const parts = [m.type];
  if (m.key) parts.push(m.key);
  if (m.op) parts.push(`op ${m.op}`);
  if (m.error) parts.push(`error ${m.error}`);
  if (m.keyReusedFrom) parts.push(`(key already used for ${m.keyReusedFrom})`);
  if (m.freshKey) parts.push('(the same op under a new key)');
  return `${parts.join(' ')} ${m.from}→${m.to}, ${m.bytes} B`;
}
