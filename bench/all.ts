// Every benchmark in turn (`npm run bench`), each in a process of its own so that none inherits another's heap or
// JIT state. The docker benchmark runs only when an engine answers. Not a test: it prints figures, never fails on them.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches: Array<{ file: string; flags?: string[]; needsDocker?: boolean }> = [
  { file: 'mailbox.ts' },
  { file: 'proxy.ts' },
  { file: 'rpc.ts' },
  { file: 'harness.ts' },
  { file: 'sim.ts' },
  { file: 'checkers.ts', flags: ['--expose-gc'] },
  // The longest by far: the catalogue over 20 seeds in three modes.
  { file: 'verdict-stability.ts' },
  { file: 'docker.ts', needsDocker: true },
];

const dockerAnswers = () => spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;

let failed = 0;
for (const bench of benches) {
  process.stdout.write(`\n== bench/${bench.file}\n`);
  if (bench.needsDocker && !dockerAnswers()) {
    process.stdout.write('skipped: no Docker engine answers (docker/engine.sh start)\n');
    continue;
  }
  const path = fileURLToPath(new URL(bench.file, import.meta.url));
  const result = spawnSync(process.execPath, [...(bench.flags ?? []), '--import', 'tsx', path], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
