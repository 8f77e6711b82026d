import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLAIMS_DIR, claimPort, releasePorts, reservePort } from '../../harness/backends/ports.ts';
import { ProcessBackend } from '../../harness/backends/process.ts';
import { Lab } from '../../harness/lab.ts';

// A node's port is free while the node is down between a crash and its restart; another harness on the machine
// must not reserve it then. Reservations are claimed machine-wide: these tests ask a second process.

const portsModule = new URL('../../harness/backends/ports.ts', import.meta.url).pathname;

/** Whether another process (a second harness) could claim `port` now. */
function otherProcessClaims(port: number): boolean {
  const script = `import { claimPort, releasePorts } from ${JSON.stringify(portsModule)}; const ok = claimPort(${port}); releasePorts([${port}]); console.log(ok);`;
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }).trim() === 'true';
}

describe('port claims', () => {
  it('a reserved port is refused to another process until it is released', () => {
    return (async () => {
      const port = await reservePort();
      expect(readFileSync(join(CLAIMS_DIR, String(port)), 'utf8')).toBe(String(process.pid));
      expect(otherProcessClaims(port)).toBe(false);
      releasePorts([port]);
      expect(existsSync(join(CLAIMS_DIR, String(port)))).toBe(false);
      expect(otherProcessClaims(port)).toBe(true);
    })();
  }, 60_000);

  it('a claim left by a process that is gone is taken over', () => {
    const dead = Number(execFileSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).trim());
    const port = 10_007;
    mkdirSync(CLAIMS_DIR, { recursive: true });
    writeFileSync(join(CLAIMS_DIR, String(port)), String(dead));
    expect(claimPort(port)).toBe(true);
    expect(readFileSync(join(CLAIMS_DIR, String(port)), 'utf8')).toBe(String(process.pid));
    releasePorts([port]);
  });

  it('a process lab holds every port it reserved until it is closed', async () => {
    const ours = () => new Set(readdirSync(CLAIMS_DIR).filter((file) => readFileSync(join(CLAIMS_DIR, file), 'utf8') === String(process.pid)));
    const before = ours();
    const runDir = mkdtempSync(join(tmpdir(), 'chaoslab-port-claims-'));
    const lab = await Lab.start(new ProcessBackend(), {
      runDir,
      nodes: [
        { name: 'n1', programs: ['client'], config: { semantics: 'at-least-once', options: { target: 'n2' } } },
        { name: 'n2', programs: ['log'], config: { semantics: 'at-least-once' } },
      ],
    });
    try {
      // the name service, two nodes and two links' proxies
      expect(ours().size - before.size).toBe(5);
      expect(ours().has(String(lab.address('n2').port))).toBe(true);
    } finally {
      await lab.close();
      rmSync(runDir, { recursive: true, force: true });
    }
    expect(ours()).toEqual(before);
  }, 60_000);
});
