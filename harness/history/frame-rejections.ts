import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as z from 'zod';

/**
 * The frames nodes refused as damaged (docs/PROTOCOL.md: each is logged as `drop` with its reason and counted in
 * `rejectedFrames`): ground truth of what reached a node's framing layer broken. `peer` is the node at the other
 * end of the connection (or its address before it said hello); `time` is on the run's clock.
 */
export const frameRejectionReasons = ['corrupt', 'oversize', 'malformed', 'partial'] as const;

export const frameRejectionSchema = z.object({
  node: z.string(),
  peer: z.string(),
  reason: z.enum(frameRejectionReasons),
  time: z.number(),
  detail: z.string().optional(),
});
export type FrameRejection = z.infer<typeof frameRejectionSchema>;

const dropLine = z.looseObject({
  ts: z.number(),
  node: z.string(),
  event: z.literal('drop'),
  reason: z.enum(frameRejectionReasons),
  peer: z.string().optional(),
  detail: z.string().optional(),
});

/** The frame rejections in one node log's text (JSON lines; lines of other events, or torn ones, are skipped). */
export function frameRejectionsInLog(text: string, toRunTime: (epochMs: number) => number): FrameRejection[] {
  const rejections: FrameRejection[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"drop"')) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = dropLine.safeParse(raw);
    if (!parsed.success) continue;
    const { node, reason, peer, detail, ts } = parsed.data;
    rejections.push({ node, peer: peer ?? '', reason, time: toRunTime(ts), ...(detail !== undefined ? { detail } : {}) });
  }
  return rejections;
}

/**
 * Every frame rejection in a run folder's node logs (`nodes/<name>.log`) up to `untilRunTime`, in time order;
 * undefined when the folder has no node log (the backend kept them elsewhere): then nobody can tell.
 */
export async function readFrameRejections(
  runDir: string,
  toRunTime: (epochMs: number) => number,
  untilRunTime = Infinity,
): Promise<FrameRejection[] | undefined> {
  const logDir = join(runDir, 'nodes');
  const files = await readdir(logDir).then(
    (names) => names.filter((name) => name.endsWith('.log')),
    () => [],
  );
  if (files.length === 0) return undefined;
  const texts = await Promise.all(files.map((name) => readFile(join(logDir, name), 'utf8')));
  return texts
    .flatMap((text, i) => frameRejectionsInLog(text, toRunTime).map((r) => ({ ...r, node: r.node || basename(files[i]!, '.log') })))
    .filter((rejection) => rejection.time <= untilRunTime)
    .sort((a, b) => a.time - b.time);
}
