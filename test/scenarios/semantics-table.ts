import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHECKED, FAILURES, SETTINGS } from '../../harness/promises.ts';
import { withGeneratedBlocks } from '../protocol/doc-tables.ts';

// docs/SEMANTICS.md's settings x failures table, written from harness/promises.ts, where the matrix and explore
// read the same promises. `npx tsx test/scenarios/semantics-table.ts` rewrites it in place;
// test/scenarios/semantics-doc.test.ts fails while the file differs from what this writes.

export const SEMANTICS_MD = fileURLToPath(new URL('../../docs/SEMANTICS.md', import.meta.url));

const cell = (text: string) => text.replace(/\|/g, '\\|');

function settingsByFailures(): string {
  const columns = Object.values(FAILURES).filter((failure) => 'outcome' in failure);
  const head = ['setting', ...columns.map((failure) => failure.title), 'at-most-once', 'at-least-once'];
  const rows = SETTINGS.map((setting) =>
    ['`' + setting + '`', ...columns.map((failure) => failure.outcome[setting]), CHECKED[setting]['at-most-once'], CHECKED[setting]['at-least-once']],
  );
  const line = (row: string[]) => `| ${row.map(cell).join(' | ')} |`;
  return [line(head), `|${'---|'.repeat(head.length)}`, ...rows.map(line)].join('\n');
}

/** The document with the table rewritten; throws if its markers are missing. */
export function withSemanticsTable(markdown: string): string {
  return withGeneratedBlocks(markdown, { 'settings-by-failures': settingsByFailures }, { doc: 'docs/SEMANTICS.md', script: 'test/scenarios/semantics-table.ts' });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SEMANTICS_MD, withSemanticsTable(readFileSync(SEMANTICS_MD, 'utf8')));
}
