import { appendFile, mkdtemp, readFile, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../nodes/journal/journal.ts';

const dirs: string[] = [];
async function tempJournalPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chaoslab-journal-'));
  dirs.push(dir);
  return join(dir, 'test.journal');
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('journal', () => {
  it('recovers every appended record, in order, including concurrent (group-committed) appends', async () => {
    const path = await tempJournalPath();
    const { journal } = await Journal.open(path);
    await Promise.all(Array.from({ length: 200 }, (_, n) => journal.append({ n })));
    await journal.append({ n: 200 });
    await journal.close();
    const { records, droppedBytes, journal: reopened } = await Journal.open(path);
    expect(records).toEqual(Array.from({ length: 201 }, (_, n) => ({ n })));
    expect(droppedBytes).toBe(0);
    await reopened.close();
  });

  it('a record appended without an fsync is in the file once append resolves (a killed process keeps it)', async () => {
    const path = await tempJournalPath();
    const { journal } = await Journal.open(path);
    await journal.append({ n: 1 });
    await journal.append({ settled: 1 }, { fsync: false });
    // Read by a second opener while the first still holds the file, as a restarted node would after a SIGKILL.
    const { records, journal: second } = await Journal.open(path);
    expect(records).toEqual([{ n: 1 }, { settled: 1 }]);
    await second.close();
    await journal.close();
  });

  it('cuts off a torn tail (a record half written when the process died)', async () => {
    const path = await tempJournalPath();
    const { journal } = await Journal.open(path);
    await journal.append({ n: 1 });
    await journal.append({ n: 2, pad: 'x'.repeat(50) });
    await journal.close();
    const size = (await stat(path)).size;
    await truncate(path, size - 10);
    const { records, droppedBytes, journal: reopened } = await Journal.open(path);
    expect(records).toEqual([{ n: 1 }]);
    expect(droppedBytes).toBeGreaterThan(0);
    await reopened.append({ n: 3 });
    await reopened.close();
    expect((await Journal.open(path)).records).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('stops at a corrupt record and drops everything after it', async () => {
    const path = await tempJournalPath();
    const { journal } = await Journal.open(path);
    await journal.append({ n: 1 });
    await journal.append({ n: 2 });
    await journal.close();
    const bytes = await readFile(path);
    bytes[bytes.length - 3]! ^= 0xff;
    await rm(path);
    await appendFile(path, bytes);
    const recovered = await Journal.open(path);
    expect(recovered.records).toEqual([{ n: 1 }]);
    await recovered.journal.close();
  });

  it('compacts to the given records atomically, keeping appends made meanwhile', async () => {
    const path = await tempJournalPath();
    const { journal } = await Journal.open(path);
    for (let n = 0; n < 20; n++) await journal.append({ n });
    const compaction = journal.compact([{ live: true }]);
    const after = journal.append({ after: true });
    await Promise.all([compaction, after]);
    await journal.close();
    const { records, journal: reopened } = await Journal.open(path);
    expect(records).toEqual([{ live: true }, { after: true }]);
    await reopened.close();
  });
});
