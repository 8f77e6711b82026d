import { describe, expect, it } from 'vitest';
import { SimDisk } from '../../harness/sim/disk.ts';
import { seededRandom } from '../../nodes/random.ts';

describe('the simulated disk', () => {
  it('a process crash keeps everything written; a power loss keeps only what was fsynced', async () => {
    const disk = new SimDisk(seededRandom(1));
    const life = disk.view();
    await life.mkdir('/d');
    const file = await life.openAppend('/d/j');
    file.appendSync(Buffer.from('synced;'));
    file.datasyncSync();
    file.appendSync(Buffer.from('cached;'));
    disk.processCrash();
    expect(() => file.appendSync(Buffer.from('x'))).toThrow(/crashed/);
    expect((await disk.view().readFile('/d/j')).toString()).toBe('synced;cached;');
    disk.powerLoss();
    expect((await disk.view().readFile('/d/j')).toString()).toBe('synced;');
  });

  it('a file never fsynced is gone after a power loss; a rename survives once its directory is fsynced', async () => {
    const disk = new SimDisk(seededRandom(1));
    const life = disk.view();
    await life.mkdir('/d');
    (await life.openAppend('/d/lost')).appendSync(Buffer.from('x'));
    const tmp = await life.openTruncate('/d/new.tmp');
    tmp.appendSync(Buffer.from('new'));
    await tmp.sync();
    await life.rename('/d/new.tmp', '/d/file');
    disk.powerLoss();
    const after = disk.view();
    await expect(after.readFile('/d/lost')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(after.readFile('/d/file')).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await after.readFile('/d/new.tmp')).toString()).toBe('new');
    await after.rename('/d/new.tmp', '/d/file');
    await after.syncDir('/d');
    disk.powerLoss();
    expect((await disk.view().readFile('/d/file')).toString()).toBe('new');
  });

  it('a torn write keeps a seeded prefix of the unsynced tail', async () => {
    const tails = new Set<string>();
    for (let seed = 1; seed <= 8; seed++) {
      const disk = new SimDisk(seededRandom(seed));
      const life = disk.view();
      await life.mkdir('/d');
      const file = await life.openAppend('/d/j');
      file.appendSync(Buffer.from('head|'));
      file.datasyncSync();
      file.appendSync(Buffer.from('0123456789'));
      disk.powerLoss({ tornWrites: true });
      const left = (await disk.view().readFile('/d/j')).toString();
      expect(left.startsWith('head|')).toBe(true);
      expect('head|0123456789'.startsWith(left)).toBe(true);
      tails.add(left);
    }
    expect(tails.size).toBeGreaterThan(1);
  });
});
