// How fast `explore` finds each bug-zoo variant and how far it shrinks what it found: trials per minute, time to
// the first violation, fault windows and ops before and after shrinking, and what the checkers said about the
// smallest schedule (so that a find can be told from the variant's own way of breaking). Not a test, and long:
// one search per variant, each up to --time (default 3m) plus shrinking (--shrink-time, default 1m).
//   node --import tsx bench/explore.ts [--backend sim|process] [--time 3m] [--shrink-time 1m] [--parallel 2] [--seed N] [--keep DIR] [VARIANT...]
// --backend is where trials run, as explore's own flag (default sim).
// --keep DIR keeps the run folders and the written scenario files there (otherwise a temporary folder, removed).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { parseDuration } from '../harness/cli/commands/explore.ts';
import { exploreBackends, type ExploreBackend } from '../harness/explore/backend.ts';
import { explore } from '../harness/explore/explore.ts';
import type { Semantics } from '../harness/scenario.ts';
import { BUGS, type Bug } from '../nodes/semantics/settings.ts';

/** The setting each variant is tried on: the one whose promises it breaks (docs/SEMANTICS.md, the bug zoo). */
const settingOf = (bug: string): Semantics => (bug === 'give-up-as-fail' ? 'at-most-once' : 'exactly-once');

const { values, positionals } = parseArgs({
  options: {
    time: { type: 'string', default: '3m' },
    'shrink-time': { type: 'string', default: '1m' },
    // The CLI's default: two trials at once.
    parallel: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'string' },
    backend: { type: 'string', default: 'sim' },
  },
  allowPositionals: true,
});
const variants = (positionals.length > 0 ? positionals : [...BUGS]).map((name) => {
  if (!(BUGS as readonly string[]).includes(name)) throw new Error(`no bug variant "${name}" (${BUGS.join(', ')})`);
  return name as Bug;
});
if (!(exploreBackends as readonly string[]).includes(values.backend!)) throw new Error(`--backend takes one of ${exploreBackends.join(', ')}`);
const backend = values.backend as ExploreBackend;
const runsDir = values.keep ? resolve(values.keep) : mkdtempSync(join(tmpdir(), 'chaoslab-bench-explore-'));
mkdirSync(runsDir, { recursive: true });
const table = new Table({
  head: ['variant', 'setting', 'runs/min', 'first violation', 'violated', 'windows', 'ops', 'total', 'load'],
});
const reasons: string[] = [];
const load = () => loadavg()[0]!.toFixed(1);
console.log(`backend ${backend}, load average at the start ${load()}`);
try {
  for (const bug of variants) {
    const result = await explore({
      semantics: settingOf(bug),
      bug,
      timeMs: parseDuration(values.time!),
      shrinkMs: parseDuration(values['shrink-time']!),
      parallel: Number(values.parallel),
      seed: Number(values.seed),
      backend,
      runsDir,
    });
    table.push([
      bug,
      settingOf(bug),
      result.runsPerMinute.toFixed(1),
      result.firstViolationMs !== undefined ? `${(result.firstViolationMs / 1000).toFixed(0)} s` : 'none',
      result.violated.join(', ') || '-',
      result.found ? `${result.windows.before} -> ${result.windows.after}` : '-',
      result.found ? `${result.ops.before} -> ${result.ops.after}` : '-',
      `${(result.durationMs / 1000).toFixed(0)} s`,
      load(),
    ]);
    if (result.found) reasons.push(`${bug}: ${result.reasons?.join('; ')} (${result.scenarioFile})`);
    process.stderr.write(`${bug}: ${result.found ? `found ${result.violated.join(', ')}` : 'nothing found'} (${result.runs} runs, seed ${result.seed})\n`);
  }
  console.log(`load average at the end ${load()}`);
  console.log(table.toString());
  for (const line of reasons) console.log(line);
} finally {
  if (!values.keep) rmSync(runsDir, { recursive: true, force: true });
}
