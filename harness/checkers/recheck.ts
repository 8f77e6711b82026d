import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { allFaultsHealed } from '../history/faults.ts';
import { readRunRecords, readWire, runFiles } from '../history/run-folder.ts';
import { checkRun, checkerNames } from './index.ts';
import type { Result } from './result.ts';
import { compareWithExpected, readVerdictFile, type Judgement, type StoredVerdict } from '../outcome/index.ts';

export interface Recheck {
  dir: string;
  stored: StoredVerdict | undefined;
  healed: boolean;
  results: Result[];
  availability: Result;
  judgement: Judgement;
}

/**
 * Re-checks a stored run folder offline with the scenario's stored expectations and check options: the
 * guarantees it expected verdicts for, or every guarantee when the run left no verdict.json. `healed` comes
 * from verdict.json, else from faults.jsonl (every fault that started also stopped); wire.jsonl is read when the
 * run kept one, as the run's own check did.
 */
export async function recheckRunFolder(dir: string): Promise<Recheck> {
  const wireFile = join(dir, runFiles.wire);
  const [records, stored, wire] = await Promise.all([
    readRunRecords(dir),
    readVerdictFile(dir),
    existsSync(wireFile) ? readWire(wireFile) : Promise.resolve(undefined),
  ]);
  const expected = stored?.expected ?? {};
  const guarantees = Object.keys(expected).length > 0 ? Object.keys(expected) : checkerNames.filter((name) => name !== 'availability');
  const healed = stored?.healed ?? allFaultsHealed(records.faults);
  const input = { ...records, healed, options: stored?.options ?? {}, ...(wire ? { wire } : {}) };
  const results = checkRun(input, guarantees);
  const availability = results.find((result) => result.checker === 'availability') ?? checkRun(input, ['availability'])[0]!;
  return { dir, stored, healed, results, availability, judgement: compareWithExpected(results, expected) };
}
