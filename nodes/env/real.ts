import { fdatasyncSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import type { Clock, Disk, Env, File, Net } from './index.ts';

// The real world: Node's timers, TCP and files. The process and docker backends run nodes on it.

const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
  setInterval: (run, ms) => {
    const timer = setInterval(run, ms);
    // A periodic chore (a lease renewal) never keeps a process alive on its own.
    timer.unref();
    return timer;
  },
  clearInterval: (timer) => clearInterval(timer as NodeJS.Timeout | undefined),
  defer: (run) => void setImmediate(run),
};

const net: Net = {
  listen: (address, onConnection) => {
    const server = createServer(onConnection);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: address.host, port: address.port }, () => {
        server.off('error', reject);
        resolve({
          port: (server.address() as { port: number }).port,
          close: () => new Promise<void>((done) => server.close(() => done())),
        });
      });
    });
  },
  connect: (address) => connect({ host: address.host, port: address.port }),
};

async function openFile(path: string, flags: 'a+' | 'w'): Promise<File> {
  const handle = await open(path, flags);
  return {
    read: () => handle.readFile(),
    appendSync: (data) => {
      for (let written = 0; written < data.length; ) written += writeSync(handle.fd, data, written);
    },
    datasyncSync: () => fdatasyncSync(handle.fd),
    truncate: (size) => handle.truncate(size),
    sync: () => handle.sync(),
    close: () => handle.close(),
  };
}

const disk: Disk = {
  mkdir: async (dir) => void (await mkdir(dir, { recursive: true })),
  openAppend: (path) => openFile(path, 'a+'),
  openTruncate: (path) => openFile(path, 'w'),
  readFile: (path) => readFile(path),
  rename: (from, to) => rename(from, to),
  syncDir: async (dir) => {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

export const realEnv: Env = { clock, net, disk, unseededRandom: () => Math.random };
