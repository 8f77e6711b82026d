import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { RecordFileError } from '../history/jsonl.ts';
import { runFiles } from '../history/run-folder.ts';
import { verdicts, type CheckOptions } from '../checkers/result.ts';
import type { ScenarioOutcome } from './outcome.ts';

/**
 * verdict.json, the run's conclusion (docs/ARCHITECTURE.md, "Run folder"). `healed` and `options` are the
 * check's inputs that the record files do not carry, so that `chaoslab check DIR` reaches the same verdicts.
 */
export interface VerdictRecord extends Pick<ScenarioOutcome, 'seed' | 'expected' | 'observed' | 'results' | 'ok' | 'ops' | 'faults' | 'durationMs' | 'replay'> {
  scenario: string;
  backend: string;
  availability: Record<string, number>;
  /** Wall-clock epoch ms of the run's time 0: places node logs (epoch `ts`) on the history's clock. */
  startedAt?: number;
  /** The proxy's wire log reached its limit: wire.jsonl stops before the run's end. */
  wireTruncated?: boolean;
  healed?: boolean;
  options?: CheckOptions;
}

const verdictSchema = z.enum(verdicts);
const resultSchema = z.object({
  checker: z.string(),
  verdict: verdictSchema,
  reason: z.string(),
  counterexamples: z.array(
    z.object({ id: z.string(), ops: z.array(z.number()), times: z.array(z.number()), what: z.string() }),
  ),
  stats: z.record(z.string(), z.number()).optional(),
});

/**
 * Lenient on reading: a re-check needs only the expectations and check inputs, a report or the runs index only
 * what they show, whatever else is there (a run that died early, or an older chaoslab, wrote less).
 */
export const storedVerdictSchema = z.looseObject({
  scenario: z.string().optional(),
  backend: z.string().optional(),
  seed: z.union([z.number(), z.string()]).optional(),
  expected: z.record(z.string(), verdictSchema).optional(),
  observed: z.record(z.string(), verdictSchema).optional(),
  results: z.array(resultSchema).optional(),
  availability: z.record(z.string(), z.unknown()).optional(),
  ok: z.boolean().optional(),
  ops: z.number().optional(),
  faults: z.number().optional(),
  durationMs: z.number().optional(),
  replay: z.string().optional(),
  startedAt: z.number().optional(),
  wireTruncated: z.boolean().optional(),
  healed: z.boolean().optional(),
  options: z.looseObject({ eventual: z.boolean().optional() }).optional(),
});
export type StoredVerdict = z.infer<typeof storedVerdictSchema>;

/** A stored verdict with defaults for what a report can do without. */
export type ShownVerdict = StoredVerdict &
  Required<Pick<StoredVerdict, 'scenario' | 'backend' | 'expected' | 'observed' | 'results'>>;

export function withDefaults(stored: StoredVerdict): ShownVerdict {
  return {
    ...stored,
    scenario: stored.scenario ?? 'unnamed',
    backend: stored.backend ?? 'process',
    expected: stored.expected ?? {},
    observed: stored.observed ?? {},
    results: stored.results ?? [],
  };
}

export async function writeVerdictFile(dir: string, record: VerdictRecord): Promise<void> {
  await writeFile(join(dir, runFiles.verdict), `${JSON.stringify(record, null, 2)}\n`);
}

/** The stored verdict.json of a run folder, or undefined when the run left none. */
export async function readVerdictFile(dir: string): Promise<StoredVerdict | undefined> {
  const file = join(dir, runFiles.verdict);
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new RecordFileError(file, undefined, `not JSON (${(error as Error).message})`);
  }
  const parsed = storedVerdictSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw new RecordFileError(file, undefined, problems.join('; '));
  }
  return parsed.data;
}

/** verdict.json of a run folder that must have one (a report's, for instance), with defaults filled in. */
export async function readShownVerdict(dir: string): Promise<ShownVerdict> {
  const stored = await readVerdictFile(dir);
  if (stored === undefined) throw new RecordFileError(join(dir, runFiles.verdict), undefined, 'missing: not a run folder');
  return withDefaults(stored);
}
