import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { defineScenario, runScenario, type CommandOutput, type ShellCommand } from '../../harness/index.ts';
import '../../harness/vitest.ts';

// A scenario's script drives programs of its own with zx's `$`: every node's address is in their environment,
// and whatever is still running when the run ends is killed with it.

const runsDir = mkdtempSync(join(tmpdir(), 'chaoslab-shell-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

/** A client program of the user's: connects to a node named by the lab's environment and says where it got. */
const client = `
const net = require('node:net');
const [host, port] = process.env.CHAOSLAB_N2.split(':');
const socket = net.connect(Number(port), host, () => { console.log('connected to ' + process.env.CHAOSLAB_N2); socket.end(); });
`;

it("runs shell commands against the lab and stops the ones still running when the run ends", async () => {
  let environment: CommandOutput | undefined;
  let connected: CommandOutput | undefined;
  let leftRunning: ShellCommand | undefined;
  const scenario = defineScenario({
    name: 'shell-steps',
    description: 'a script that runs commands against the lab',
    nodes: { count: 2, semantics: 'exactly-once' },
    workload: { ops: 10, concurrency: 2 },
    expect: { 'exactly-once': 'holds' },
    script: async ({ $ }) => {
      environment = await $`echo "$CHAOSLAB_NODES $CHAOSLAB_N1 $CHAOSLAB_N2"`;
      connected = await $`${process.execPath} -e ${client}`;
      leftRunning = $`sleep 600`.nothrow();
    },
  });
  const run = await runScenario(scenario, { runsDir, report: false });
  expect(run.error).toBeUndefined();
  expect(run).toKeep('exactly-once');
  expect(environment?.stdout.trim()).toMatch(/^n1,n2 127\.0\.0\.1:\d+ 127\.0\.0\.1:\d+$/);
  const n2 = environment!.stdout.trim().split(' ')[2];
  expect(connected?.stdout.trim()).toBe(`connected to ${n2}`);
  // Killed, not finished: `sleep 600` would otherwise outlast this test's timeout.
  const ended = await leftRunning!;
  expect(ended.exitCode).not.toBe(0);
}, 60_000);

it('fails the run when a command fails', async () => {
  const scenario = defineScenario({
    name: 'shell-step-fails',
    description: 'a script whose command exits 3',
    nodes: { count: 2, semantics: 'exactly-once' },
    workload: { ops: 5, concurrency: 1 },
    expect: { 'exactly-once': 'holds' },
    script: async ({ $ }) => {
      await $`exit 3`;
    },
  });
  const run = await runScenario(scenario, { runsDir, report: false });
  expect(run.error).toMatch(/exit code: 3/);
}, 60_000);
