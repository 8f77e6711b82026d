import { join } from 'node:path';
import * as z from 'zod';
import { useNameService } from '../names/client.ts';
import { serveService } from '../rpc/server.ts';
import { defineService, ServiceError } from '../rpc/service.ts';
import { registerProgram } from './index.ts';

// Program `filesys`: the notes' remote file system, FileSys.Read / FileSys.Write over `<data>/files/`.
// A write replaces the file atomically (temp file, fsync, rename, fsync dir), so a crash leaves old or new.

const FileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, 'a plain file name (letters, digits, . _ -), no path');

export const fileSysService = defineService('FileSys', {
  Read: { args: z.object({ name: FileName }), result: z.object({ data: z.string() }), readOnly: true },
  Write: { args: z.object({ name: FileName, data: z.string() }), result: z.object({ ok: z.literal(true), bytes: z.number().int() }) },
});

registerProgram('filesys', async (node) => {
  const data = node.config.data;
  if (!data) throw new Error('program filesys needs a data dir (--data)');
  const { disk } = node.env;
  const dir = join(data, 'files');
  await disk.mkdir(dir);
  let writes = 0;
  await serveService(node, fileSysService, {
    Read: async ({ name }) => {
      try {
        return { data: (await disk.readFile(join(dir, name))).toString('utf8') };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ServiceError('not-found', `no file ${name} on node ${node.id}`);
        throw error;
      }
    },
    Write: async ({ name, data: contents }) => {
      // Unique among this node's concurrent writes; a temp file left by a crash is never read.
      const tmp = join(dir, `.${name}.${++writes}.tmp`);
      const file = await disk.openTruncate(tmp);
      try {
        file.appendSync(Buffer.from(contents, 'utf8'));
        await file.sync();
      } finally {
        await file.close();
      }
      await disk.rename(tmp, join(dir, name));
      await disk.syncDir(dir);
      return { ok: true as const, bytes: Buffer.byteLength(contents) };
    },
  });
  await useNameService(node)?.register('FileSys');
});
