import { existsSync, readdirSync, statSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { expectationsMet, readVerdictFile } from '../outcome/index.ts';
import { runFiles } from '../history/index.ts';
import { escapeHtml, formatMs } from './page.ts';

/** The runs folder's table of contents: every run in it, newest first, with its verdicts and links. */
export const RUNS_INDEX = 'index.html';

interface RunRow {
  folder: string;
  scenario: string;
  /** Epoch ms the run started: verdict.json's, else the folder's creation. */
  started: number;
  status: 'as expected' | 'NOT as expected' | 'no verdict';
  verdicts: { guarantee: string; expected?: string; observed?: string }[];
  seed?: string;
  backend?: string;
  ops?: number;
  durationMs?: number;
  report: boolean;
}

/**
 * Writes `<runsDir>/index.html` from the run folders there. A folder without verdict.json (a run still going,
 * or one that died) is listed as such. Written aside and renamed, so runs finishing together never leave half
 * a page.
 */
let writes = 0;

export async function writeRunsIndex(runsDir: string): Promise<string> {
  const rows: RunRow[] = [];
  for (const entry of readdirSync(runsDir, { withFileTypes: true })) {
    const dir = join(runsDir, entry.name);
    if (!entry.isDirectory() || !existsSync(join(dir, 'nodes'))) continue;
    rows.push(await rowOf(dir));
  }
  rows.sort((a, b) => b.started - a.started || b.folder.localeCompare(a.folder));
  const file = join(runsDir, RUNS_INDEX);
  // Runs in one process finish together too: each writes a file of its own before the rename.
  const partial = `${file}.${process.pid}.${++writes}.partial`;
  await writeFile(partial, renderIndex(rows));
  await rename(partial, file);
  return file;
}

async function rowOf(dir: string): Promise<RunRow> {
  const folder = basename(dir);
  const report = existsSync(join(dir, 'report.html'));
  let verdict;
  try {
    verdict = existsSync(join(dir, runFiles.verdict)) ? await readVerdictFile(dir) : undefined;
  } catch {
    verdict = undefined; // unreadable: listed without verdicts
  }
  const created = () => {
    const stat = statSync(dir, { throwIfNoEntry: false });
    return stat ? stat.birthtimeMs || stat.mtimeMs : 0;
  };
  const started = typeof verdict?.startedAt === 'number' ? verdict.startedAt : created();
  if (!verdict) return { folder, scenario: folder.replace(/^\d{8}-\d{6}-/, ''), started, status: 'no verdict', verdicts: [], report };
  const expected = verdict.expected ?? {};
  const observed = verdict.observed ?? {};
  const guarantees = Object.keys(expected).length ? Object.keys(expected) : Object.keys(observed).filter((g) => g !== 'availability');
  const ok = verdict.ok ?? expectationsMet(expected, observed);
  return {
    folder,
    scenario: verdict.scenario ?? folder,
    started,
    status: ok ? 'as expected' : 'NOT as expected',
    verdicts: guarantees.map((guarantee) => ({ guarantee, expected: expected[guarantee], observed: observed[guarantee] })),
    seed: verdict.seed === undefined ? undefined : String(verdict.seed),
    backend: verdict.backend,
    ops: typeof verdict.ops === 'number' ? verdict.ops : undefined,
    durationMs: typeof verdict.durationMs === 'number' ? verdict.durationMs : undefined,
    report,
  };
}

function renderIndex(rows: RunRow[]): string {
  const passed = rows.filter((r) => r.status === 'as expected').length;
  const body = rows.map((r) => {
    const link = (file: string, text: string) => `<a href="${encodeURI(r.folder)}/${file}">${text}</a>`;
    const verdicts = r.verdicts
      .map((v) => {
        const cls = v.expected === undefined ? '' : v.expected === v.observed ? 'yes' : 'no';
        return `<span class="v ${cls}">${escapeHtml(v.guarantee)}: ${escapeHtml(v.observed ?? '-')}${v.expected !== undefined && v.expected !== v.observed ? ` (expected ${escapeHtml(v.expected)})` : ''}</span>`;
      })
      .join(' ');
    const status = r.status === 'as expected' ? 'pass' : r.status === 'no verdict' ? 'none' : 'fail';
    return `<tr class="run ${status}"><td class="mono">${escapeHtml(new Date(r.started).toISOString().replace('T', ' ').slice(0, 19))}</td>
<td>${r.report ? link('report.html', `<b>${escapeHtml(r.scenario)}</b>`) : `<b>${escapeHtml(r.scenario)}</b>`}</td>
<td><span class="badge ${status}">${r.status}</span></td><td>${verdicts}</td>
<td class="mono">${escapeHtml(r.seed ?? '')}</td><td>${escapeHtml(r.backend ?? '')}</td><td>${r.ops ?? ''}</td><td class="mono">${r.durationMs === undefined ? '' : formatMs(r.durationMs)}</td>
<td>${link('', 'folder')}${r.status !== 'no verdict' ? ` · ${link('verdict.json', 'verdict.json')}` : ''}</td></tr>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>chaoslab runs</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1d2329; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid #e3e6ea; }
th { background: #f0f2f5; } .mono { font-family: ui-monospace, monospace; font-size: 12.5px; }
.badge { padding: 1px 9px; border-radius: 10px; font-weight: 600; font-size: 12.5px; white-space: nowrap; }
.badge.pass { background: #e3f4e6; color: #1b6e2c; } .badge.fail { background: #fde4e4; color: #9b1c1c; } .badge.none { background: #eceff1; color: #455a64; }
.v { margin-right: 8px; white-space: nowrap; } .v.no { color: #9b1c1c; font-weight: 600; }
</style></head>
<body><h1>chaoslab runs</h1>
<p>${rows.length} runs, ${passed} as expected, newest first. Rewritten after each run.</p>
<table><thead><tr><th>started (UTC)</th><th>scenario</th><th>status</th><th>verdicts</th><th>seed</th><th>backend</th><th>ops</th><th>time</th><th>files</th></tr></thead>
<tbody>
${body.join('\n')}
</tbody></table></body></html>
`;
}
