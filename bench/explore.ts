// How fast `explore` finds each bug-zoo variant and how far it shrinks what it found: trials per minute, time to
// the first violation, fault windows and ops before and after shrinking. Not a test, and long: one search per
// variant, each up to --time (default 3m) plus shrinking (--shrink-time, default 1m).
//   node --import tsx bench/explore.ts [--time 3m] [--shrink-time 1m] [--seed N] [VARIANT...]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { parseDuration } from '../harness/cli/commands/explore.ts';
import { explore } from '../harness/explore/explore.ts';
import type { Semantics } from '../harness/scenario.ts';
import { BUGS, type Bug } from '../nodes/semantics/settings.ts';

/** The setting each variant is tried on: the one whose promises it breaks (docs/SEMANTICS.md, the bug zoo). */
const settingOf = (bug: string): Semantics => (bug === 'give-up-as-fail' ? 'at-most-once' : 'exactly-once');

const { values, positionals } = parseArgs({
  options: { time: { type: 'string', default: '3m' }, 'shrink-time': { type: 'string', default: '1m' }, seed: { type: 'string', default: '1' } },
  allowPositionals: true,
});
const variants = (positionals.length > 0 ? positionals : [...BUGS]).map((name) => {
  if (!(BUGS as readonly string[]).includes(name)) throw new Error(`no bug variant "${name}" (${BUGS.join(', ')})`);
  return name as Bug;
});
const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-bench-explore-'));
const table = new Table({ head: ['variant', 'setting', 'runs/min', 'first violation', 'violated', 'windows', 'ops', 'total'] });
try {
  for (const bug of variants) {
    const result = await explore({
      semantics: settingOf(bug),
      bug,
      timeMs: parseDuration(values.time!),
      shrinkMs: parseDuration(values['shrink-time']!),
      seed: Number(values.seed),
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
    ]);
    process.stderr.write(`${bug}: ${result.found ? `found ${result.violated.join(', ')}` : 'nothing found'}\n`);
  }
  console.log(`load average ${loadavg()[0]!.toFixed(1)}`);
  console.log(table.toString());
} finally {
  rmSync(runsDir, { recursive: true, force: true });
}
