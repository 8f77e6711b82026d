import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RecordFileError, readJsonl, writeJsonl } from './jsonl.ts';
import { executionSchema, faultEventSchema, opSchema, wireRecordSchema, type Execution, type FaultEvent, type Op, type WireRecord } from './op.ts';

/** File names inside `runs/<time>-<scenario>/` (docs/ARCHITECTURE.md, "Run folder"). */
export const runFiles = {
  history: 'history.jsonl',
  faults: 'faults.jsonl',
  executions: 'executions.jsonl',
  verdict: 'verdict.json',
  /** Every node-to-node message as the proxy saw it; only when the run's proxy is chaoslab's own. */
  wire: 'wire.jsonl',
} as const;

export const readHistory = (file: string): Promise<Op[]> => readJsonl(file, opSchema);
export const readFaults = (file: string): Promise<FaultEvent[]> => readJsonl(file, faultEventSchema);
export const readExecutions = (file: string): Promise<Execution[]> => readJsonl(file, executionSchema);

export const readWire = (file: string): Promise<WireRecord[]> => readJsonl(file, wireRecordSchema);

export const writeHistory = (file: string, ops: Iterable<Op>): Promise<void> => writeJsonl(file, ops);
export const writeFaults = (file: string, events: Iterable<FaultEvent>): Promise<void> => writeJsonl(file, events);
export const writeExecutions = (file: string, executions: Iterable<Execution>): Promise<void> =>
  writeJsonl(file, executions);

export const writeWire = (file: string, records: Iterable<WireRecord>): Promise<void> => writeJsonl(file, records);

export interface RunRecords {
  history: Op[];
  faults: FaultEvent[];
  executions: Execution[];
}

/**
 * Reads the three record files of a stored run. history.jsonl and executions.jsonl must exist (without the
 * ground truth nothing can be checked); a run with no faults may have no faults.jsonl.
 */
export async function readRunRecords(dir: string): Promise<RunRecords> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new RecordFileError(dir, undefined, 'not a run folder (no such directory)');
  }
  const faultsFile = join(dir, runFiles.faults);
  const [history, executions, faults] = await Promise.all([
    readHistory(join(dir, runFiles.history)),
    readExecutions(join(dir, runFiles.executions)),
    existsSync(faultsFile) ? readFaults(faultsFile) : Promise.resolve([]),
  ]);
  return { history, faults, executions };
}

/** Writes the three record files of a run at once (the recorder streams them instead during a run). */
export async function writeRunRecords(dir: string, records: { readonly [K in keyof RunRecords]: readonly RunRecords[K][number][] }): Promise<void> {
  await Promise.all([
    writeHistory(join(dir, runFiles.history), records.history),
    writeFaults(join(dir, runFiles.faults), records.faults),
    writeExecutions(join(dir, runFiles.executions), records.executions),
  ]);
}
