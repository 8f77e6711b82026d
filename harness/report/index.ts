import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildModel } from './model.ts';
import { renderPage } from './page.ts';
import { readRunFolder, type KnownRecords } from './run-folder.ts';

export { writeJUnit } from './junit.ts';
export { writeRunsIndex, RUNS_INDEX } from './runs-index.ts';
export { writeSummary, renderSummary } from './summary.ts';

/**
 * Writes `<runDir>/report.html`, one self-contained page (opens offline), and returns its path. A run that just
 * wrote the folder passes the records it holds, which are then not read back.
 */
export async function writeReport(runDir: string, known: KnownRecords = {}): Promise<string> {
  const file = join(runDir, 'report.html');
  await writeFile(file, renderPage(buildModel(await readRunFolder(runDir, known))));
  return file;
}
