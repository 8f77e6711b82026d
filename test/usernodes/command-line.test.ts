import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessBackend } from '../../harness/backends/process.ts';
import { Lab } from '../../harness/lab.ts';

// The command line docs/YOUR-NODE.md promises a node of the user's, read back from what such a node was given:
// the same arguments as chaoslab's node, and after a crash the same port and the same data dir.

const argvNode = fileURLToPath(new URL('fixtures/argv-node.mjs', import.meta.url));
const doc = readFileSync(fileURLToPath(new URL('../../docs/YOUR-NODE.md', import.meta.url)), 'utf8');
const runDir = mkdtempSync(join(tmpdir(), 'chaoslab-command-line-'));
let lab: Lab | undefined;

afterAll(async () => {
  await lab?.close();
  rmSync(runDir, { recursive: true, force: true });
});

function argvLines(): string[][] {
  return readFileSync(join(runDir, 'nodes', 'n2.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { event: string; args?: string[] })
    .filter((line) => line.event === 'argv')
    .map((line) => line.args!);
}

describe("a user's node command line", () => {
  it('is the one the docs give, and a restart gets the same port and data dir', async () => {
    lab = await Lab.start(new ProcessBackend(), {
      runDir,
      nodes: [
        { name: 'n1', programs: ['client'], command: [process.execPath, argvNode] },
        { name: 'n2', programs: ['log', 'consumer'], config: { semantics: 'exactly-once' }, command: [process.execPath, argvNode] },
      ],
    });
    const [first] = argvLines();
    const flags = first!.filter((arg) => arg.startsWith('--'));
    expect(flags).toEqual(['--id', '--host', '--port', '--data', '--config-json', '--name-service']);
    expect(doc).toContain(`<command...> ${flags.map((f) => `${f} ${placeholder[f]}`).join(' ')}`);
    const value = (args: string[], flag: string) => args[args.indexOf(flag) + 1]!;
    expect(value(first!, '--id')).toBe('n2');
    expect(JSON.parse(value(first!, '--config-json'))).toMatchObject({ semantics: 'exactly-once', programs: ['log', 'consumer'] });
    expect(Number(value(first!, '--port'))).toBe(lab.address('n2').port);

    await lab.crash('n2');
    await lab.restart('n2');
    const [, second] = argvLines();
    expect(second).toEqual(first);
  }, 60_000);
});

const placeholder: Record<string, string> = {
  '--id': 'NAME',
  '--host': '127.0.0.1',
  '--port': 'P',
  '--data': 'DIR',
  '--config-json': 'JSON',
  '--name-service': 'HOST:PORT',
};
