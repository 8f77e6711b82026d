import { dirname } from 'node:path';
import type { Disk, File } from '../../nodes/env/index.ts';
import type { Random } from '../../nodes/random.ts';

// One node's simulated disk. Every file keeps two contents: what was written (the page cache) and what is durable
// (on the platter as of its last fsync). Names are the same: a created or renamed name is durable once the
// directory is fsynced, or (like ext4) once the new file itself is fsynced. A process crash (SIGKILL) keeps the
// page cache: nothing is lost. A power loss keeps only what is durable, and may tear the last unsynced write
// at a seeded offset (part of it reached the disk).

interface Inode {
  data: Buffer;
  durable: Buffer;
}

const enoent = (path: string) => Object.assign(new Error(`ENOENT: no such file or directory, '${path}'`), { code: 'ENOENT' });

export interface PowerLoss {
  /** Keep a seeded part of each file's unsynced tail (a torn write) instead of losing all of it. */
  tornWrites?: boolean;
}

export class SimDisk {
  private names = new Map<string, Inode>();
  private durableNames = new Map<string, Inode>();
  private dirs = new Set<string>();
  private incarnation = 0;

  constructor(private readonly random: Random) {}

  /** The disk as one life of the node sees it: after a crash its handles write nothing any more. */
  view(): Disk {
    const life = ++this.incarnation;
    const alive = () => {
      if (life !== this.incarnation) throw Object.assign(new Error('EIO: the node that opened this file crashed'), { code: 'EIO' });
    };
    const open = async (path: string, truncate: boolean): Promise<File> => {
      alive();
      if (!this.dirs.has(dirname(path))) throw enoent(dirname(path));
      let inode = this.names.get(path);
      if (!inode) this.names.set(path, (inode = { data: Buffer.alloc(0), durable: Buffer.alloc(0) }));
      else if (truncate) inode.data = Buffer.alloc(0);
      const file = inode;
      return {
        read: async () => (alive(), Buffer.from(file.data)),
        appendSync: (data) => {
          alive();
          file.data = Buffer.concat([file.data, data]);
        },
        datasyncSync: () => (alive(), this.sync(file)),
        truncate: async (size) => {
          alive();
          file.data = file.data.subarray(0, size);
        },
        sync: async () => (alive(), this.sync(file)),
        close: async () => {},
      };
    };
    return {
      mkdir: async (dir) => {
        alive();
        for (let d = dir; !this.dirs.has(d); d = dirname(d)) this.dirs.add(d);
      },
      openAppend: (path) => open(path, false),
      openTruncate: (path) => open(path, true),
      readFile: async (path) => {
        alive();
        const inode = this.names.get(path);
        if (!inode) throw enoent(path);
        return Buffer.from(inode.data);
      },
      rename: async (from, to) => {
        alive();
        const inode = this.names.get(from);
        if (!inode) throw enoent(from);
        this.names.delete(from);
        this.names.set(to, inode);
      },
      syncDir: async (dir) => {
        alive();
        for (const path of [...this.durableNames.keys()]) if (dirname(path) === dir && !this.names.has(path)) this.durableNames.delete(path);
        for (const [path, inode] of this.names) if (dirname(path) === dir) this.durableNames.set(path, inode);
      },
    };
  }

  /** The process was killed: its handles die, the page cache (everything written) stays. */
  processCrash(): void {
    this.incarnation++;
  }

  /** The machine lost power: handles die, and only what was durable is left. */
  powerLoss({ tornWrites = false }: PowerLoss = {}): void {
    this.incarnation++;
    this.names = new Map(this.durableNames);
    for (const inode of new Set(this.names.values())) {
      const { data, durable } = inode;
      const appended = data.length > durable.length && data.subarray(0, durable.length).equals(durable);
      const kept = tornWrites && appended ? Math.floor(this.random() * (data.length - durable.length + 1)) : 0;
      inode.data = Buffer.from(appended ? data.subarray(0, durable.length + kept) : durable);
      inode.durable = inode.data;
    }
  }

  /** Written content of a file, for tests. */
  contentOf(path: string): Buffer | undefined {
    return this.names.get(path)?.data;
  }

  private sync(inode: Inode): void {
    inode.durable = Buffer.from(inode.data);
    // A new file's name survives with its first fsync (ext4 commits the creation with it).
    for (const [path, named] of this.names) if (named === inode && !this.durableNames.has(path)) this.durableNames.set(path, inode);
  }
}
