import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as z from 'zod';
import { readShownVerdict, type ShownVerdict } from '../outcome/verdict-file.ts';
import { readExecutions, readFaults, readHistory, readLines, readWire, runFiles } from '../history/index.ts';
import type { Execution, FaultEvent, Op, WireRecord } from '../history/index.ts';

export type { Execution, FaultEvent, MessageKey, Op, WireRecord } from '../history/index.ts';

/**
 * Everything a report shows, read from one run folder (docs/ARCHITECTURE.md, "Run folder").
 * The record files are read with harness/history's validating readers; a missing record file is an empty list,
 * so a run that died early still gets a report of what it did.
 */

const nodeLogLine = z.looseObject({ ts: z.number(), event: z.string(), node: z.string().optional() });
export type NodeLogLine = z.infer<typeof nodeLogLine>;

export interface RunFolder {
  dir: string;
  verdict: ShownVerdict;
  history: Op[];
  faults: FaultEvent[];
  executions: Execution[];
  /** Every node-to-node frame as the proxy saw it (empty when the run's proxy kept no record). */
  wire: WireRecord[];
  /** Node name -> its log lines (only lines that parse as events; a node's stray output is not an event). */
  nodeLogs: Map<string, NodeLogLine[]>;
}

/** Records the caller already holds (the run that just wrote them): taken as they are instead of read back. */
export type KnownRecords = Partial<Pick<RunFolder, 'history' | 'faults' | 'executions' | 'wire'>>;

export async function readRunFolder(dir: string, known: KnownRecords = {}): Promise<RunFolder> {
  const orEmpty = <T>(held: T[] | undefined, file: string, read: (file: string) => Promise<T[]>) =>
    held ? Promise.resolve(held) : existsSync(join(dir, file)) ? read(join(dir, file)) : Promise.resolve([]);
  const [verdict, history, faults, executions, wire, nodeLogs] = await Promise.all([
    readShownVerdict(dir),
    orEmpty(known.history, runFiles.history, readHistory),
    orEmpty(known.faults, runFiles.faults, readFaults),
    orEmpty(known.executions, runFiles.executions, readExecutions),
    orEmpty(known.wire, runFiles.wire, readWire),
    readNodeLogs(join(dir, 'nodes')),
  ]);
  return { dir, verdict, history, faults, executions, wire, nodeLogs };
}

async function readNodeLogs(dir: string): Promise<Map<string, NodeLogLine[]>> {
  const logs = new Map<string, NodeLogLine[]>();
  if (!existsSync(dir)) return logs;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.log')).sort()) {
    const lines: NodeLogLine[] = [];
    for await (const line of readLines(join(dir, file))) {
      if (!line.startsWith('{')) continue;
      try {
        const parsed = nodeLogLine.safeParse(JSON.parse(line));
        if (parsed.success) lines.push(parsed.data);
      } catch {
        // A node killed mid-write leaves a torn last line: it is not an event.
      }
    }
    logs.set(basename(file, '.log'), lines);
  }
  return logs;
}
