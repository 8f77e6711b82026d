// Verdict-stability benchmark (not a test): `node --import tsx bench/verdict-stability.ts [--seeds N] [--modes ...]`.
// Runs the whole catalogue (`chaoslab run --json`, a process of its own per run) over seeds 1..N in three modes and
// prints, per mode, how many scenario runs came out with a verdict other than the expected one:
//   plain         one catalogue run at a time, as `npx chaoslab run` runs it;
//   two-at-once   two catalogue runs at the same time on this machine (seeds taken two by two);
//   shared-proxy  one `chaoslab proxy` started here and shared by every lab (`--toxiproxy-url`, `--parallel 2`);
//                 scenarios that need frame toxics are reported skipped there.
// Bounded: each catalogue run is stopped after RUN_LIMIT_MS, and the bench stops the proxy it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';

const MODES = ['plain', 'two-at-once', 'shared-proxy'] as const;
type Mode = (typeof MODES)[number];

/** A catalogue run takes under a minute on a quiet machine; this leaves room for a loaded one. */
const RUN_LIMIT_MS = 15 * 60_000;
const PROXY_START_LIMIT_MS = 30_000;

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const cli = join(repoRoot, 'harness/cli/bin.mjs');

interface ScenarioEntry {
  name: string;
  seed: number;
  ok: boolean;
  skipped?: string;
  error?: string;
  expected: Record<string, string>;
  observed: Record<string, string>;
  replay: string;
}

interface CatalogueRun {
  seed: number;
  scenarios: ScenarioEntry[];
  /** Why the run gave no verdicts at all (timed out, crashed, unreadable output). */
  failure?: string;
  ms: number;
}

interface Tally {
  runs: number;
  scenarioRuns: number;
  unexpected: number;
  skipped: number;
  failedRuns: number;
  details: string[];
}

const options = new Command()
  .option('--seeds <n>', 'seeds 1..N per mode', (value) => positiveInteger('--seeds', value), 20)
  .addOption(new Option('--modes <modes...>', 'modes to run').choices([...MODES]).default([...MODES]))
  .parse()
  .opts<{ seeds: number; modes: Mode[] }>();

function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be an integer >= 1, got "${value}"`);
  return n;
}

const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-verdict-stability-'));
const children = new Set<ChildProcess>();

/** One `chaoslab run` of the whole catalogue with one seed; never rejects. */
function runCatalogue(seed: number, extra: string[]): Promise<CatalogueRun> {
  const startedAt = performance.now();
  const args = [cli, 'run', '--seed', String(seed), '--json', '--no-report', '--runs-dir', join(runsDir, `seed-${seed}`), ...extra];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] });
  children.add(child);
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
  }, RUN_LIMIT_MS);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const ms = performance.now() - startedAt;
      if (timedOut) return resolve({ seed, scenarios: [], failure: `stopped after ${RUN_LIMIT_MS / 60_000} min`, ms });
      try {
        const parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { scenarios: ScenarioEntry[] };
        resolve({ seed, scenarios: parsed.scenarios, ms });
      } catch {
        resolve({ seed, scenarios: [], failure: `exit ${code ?? signal}, no JSON verdicts on stdout`, ms });
      }
    });
  });
}

/** chaoslab's standalone Toxiproxy-compatible server on a free port; resolves with its URL and a way to stop it. */
async function startSharedProxy(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [cli, 'proxy', '--port', '0', '--seed', '1'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    children.delete(child);
  };
  const url = await new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), PROXY_START_LIMIT_MS);
    void exited.then(() => resolve(undefined));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const found = /API on (\S+)/.exec(line);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!.replace(/\/$/, ''));
      }
    });
  });
  if (!url) {
    await stop();
    throw new Error(`chaoslab proxy did not report its API address within ${PROXY_START_LIMIT_MS / 1000} s`);
  }
  return { url, stop };
}

function tally(runs: CatalogueRun[], mode: Mode): Tally {
  // A replay of a shared-proxy run needs a Toxiproxy too.
  const flags = mode === 'shared-proxy' ? ' --toxiproxy-url URL' : '';
  const result: Tally = { runs: runs.length, scenarioRuns: 0, unexpected: 0, skipped: 0, failedRuns: 0, details: [] };
  for (const run of runs) {
    if (run.failure) {
      result.failedRuns += 1;
      result.details.push(`seed ${run.seed}: catalogue run gave no verdicts (${run.failure})`);
      continue;
    }
    for (const scenario of run.scenarios) {
      if (scenario.skipped) {
        result.skipped += 1;
        continue;
      }
      result.scenarioRuns += 1;
      if (scenario.ok) continue;
      result.unexpected += 1;
      const wrong = Object.entries(scenario.expected)
        .filter(([guarantee, verdict]) => scenario.observed[guarantee] !== verdict)
        .map(([guarantee, verdict]) => `${guarantee} expected ${verdict}, observed ${scenario.observed[guarantee] ?? '-'}`);
      result.details.push(`${scenario.replay}${flags}: ${scenario.error ? `error: ${scenario.error}` : wrong.join('; ')}`);
    }
  }
  return result;
}

const seeds = Array.from({ length: options.seeds }, (_, i) => i + 1);
/** Set on SIGINT or SIGTERM: no further catalogue run starts. */
let stopping = false;

async function runMode(mode: Mode): Promise<CatalogueRun[]> {
  const runs: CatalogueRun[] = [];
  const progress = (run: CatalogueRun) => {
    const wrong = run.failure ? 'no verdicts' : `${run.scenarios.filter((s) => !s.ok && !s.skipped).length} unexpected`;
    process.stderr.write(`${mode}: seed ${run.seed} done in ${(run.ms / 1000).toFixed(0)} s, ${wrong}\n`);
    runs.push(run);
  };
  if (mode === 'plain') {
    for (const seed of seeds) if (!stopping) progress(await runCatalogue(seed, []));
  } else if (mode === 'two-at-once') {
    for (let i = 0; i < seeds.length && !stopping; i += 2) {
      const pair = seeds.slice(i, i + 2);
      for (const run of await Promise.all(pair.map((seed) => runCatalogue(seed, [])))) progress(run);
    }
  } else {
    const proxy = await startSharedProxy();
    process.stderr.write(`shared-proxy: chaoslab proxy at ${proxy.url}\n`);
    try {
      for (const seed of seeds) if (!stopping) progress(await runCatalogue(seed, ['--toxiproxy-url', proxy.url, '--parallel', '2']));
    } finally {
      await proxy.stop();
    }
  }
  return runs;
}

const stopChildren = () => {
  for (const child of children) child.kill('SIGTERM');
};
// Either signal ends the bench the same way: running catalogues stop their labs, and the summary is still printed.
for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    stopping = true;
    stopChildren();
    process.exitCode = status;
  });
}

const tallies = new Map<Mode, Tally & { minutes: number }>();
try {
  for (const mode of options.modes) {
    if (stopping) break;
    const startedAt = performance.now();
    const runs = await runMode(mode);
    tallies.set(mode, { ...tally(runs, mode), minutes: (performance.now() - startedAt) / 60_000 });
  }
} finally {
  stopChildren();
}
const unexpected = [...tallies.values()].some((t) => t.unexpected > 0 || t.failedRuns > 0);
// The run folders of unexpected verdicts are kept for their logs; a clean bench leaves nothing behind.
if (unexpected) console.log(`\nrun folders kept in ${runsDir}`);
else rmSync(runsDir, { recursive: true, force: true });

console.log(`\nverdict stability over seeds 1..${options.seeds}`);
console.log('| mode | catalogue runs | scenario runs | unexpected verdicts | skipped | runs without verdicts | minutes |');
console.log('|---|---|---|---|---|---|---|');
for (const [mode, t] of tallies) {
  console.log(`| ${mode} | ${t.runs} | ${t.scenarioRuns} | ${t.unexpected} | ${t.skipped} | ${t.failedRuns} | ${t.minutes.toFixed(1)} |`);
}
for (const [mode, t] of tallies) for (const line of t.details) console.log(`${mode}: ${line}`);
