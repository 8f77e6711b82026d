import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The base image for machines that reach no registry: `FROM scratch` plus this host's node binary, the shared
 * libraries it links (at the same paths, with the ELF interpreter), a static busybox for /bin/sh and small tools,
 * and the few files in /etc that glibc and node look for.
 */
const BUSYBOX = '/bin/busybox';
export const ETC_FILES: Record<string, string> = {
  'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  'etc/group': 'root:x:0:\nnogroup:x:65534:\n',
  'etc/nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\n',
};

export interface OfflineBaseInputs {
  node: string;
  libraries: string[];
  busybox: string;
}

export function offlineBaseInputs(): OfflineBaseInputs {
  if (!existsSync(BUSYBOX) || !isStatic(BUSYBOX)) {
    throw new Error(
      `the offline base needs a static busybox at ${BUSYBOX}: install Debian's busybox-static ` +
        '(`docker/engine.sh install` does), or build from an official base (--base official)',
    );
  }
  return { node: realpathSync(process.execPath), libraries: linkedLibraries(process.execPath), busybox: BUSYBOX };
}

/** Changes whenever the node binary, busybox or a linked library changes: the base's tag. */
export function offlineBaseHash(inputs: OfflineBaseInputs): string {
  const hash = createHash('sha256');
  // Size and modification time stand for content: hashing a 100 MB binary on every run would cost more than it saves.
  for (const file of [inputs.node, inputs.busybox, ...inputs.libraries]) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${file}:${size}:${mtimeMs}\n`);
  }
  hash.update(JSON.stringify(ETC_FILES));
  return hash.digest('hex').slice(0, 16);
}

/** Lay the base's root file system out in `contextDir/rootfs`, next to a two-line Dockerfile. */
export function writeOfflineBaseContext(contextDir: string, inputs: OfflineBaseInputs): void {
  const rootfs = join(contextDir, 'rootfs');
  copyInto(rootfs, inputs.node, '/usr/local/bin/node');
  for (const library of inputs.libraries) copyInto(rootfs, library, library);
  copyInto(rootfs, inputs.busybox, '/bin/busybox');
  for (const applet of busyboxApplets(inputs.busybox)) {
    const link = join(rootfs, 'bin', applet);
    if (!existsSync(link)) symlinkSync('busybox', link);
  }
  for (const [path, text] of Object.entries(ETC_FILES)) {
    mkdirSync(dirname(join(rootfs, path)), { recursive: true });
    writeFileSync(join(rootfs, path), text);
  }
  for (const dir of ['tmp', 'root', 'data']) mkdirSync(join(rootfs, dir), { recursive: true });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  writeFileSync(
    join(contextDir, 'Dockerfile'),
    'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/usr/bin:/bin HOME=/root\n',
  );
}

/** Copy one host file into the root file system at `target`, keeping its mode. */
export function copyInto(rootfs: string, source: string, target: string): void {
  const destination = join(rootfs, target);
  mkdirSync(dirname(destination), { recursive: true });
  copyFileSync(source, destination);
  chmodSync(destination, statSync(source).mode & 0o7777);
}

/** Every library `ldd` lists, and the ELF interpreter, as the absolute paths the binary asks for. */
export function linkedLibraries(binary: string): string[] {
  const listing = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const paths = new Set<string>();
  for (const line of listing.split('\n')) {
    const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (match) paths.add(match[1]!);
  }
  return [...paths].sort();
}

function isStatic(binary: string): boolean {
  try {
    return !execFileSync('ldd', [binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).includes('=>');
  } catch {
    return true; // ldd exits non-zero on "not a dynamic executable"
  }
}

function busyboxApplets(busybox: string): string[] {
  return execFileSync(busybox, ['--list'], { encoding: 'utf8' })
    .split('\n')
    .filter((name) => /^[\w.[-]+$/.test(name) && name !== 'busybox');
}
