import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../harness/cli/exit-codes.ts';
import { chaoslab, root } from './cli.ts';

/** A usage error: exit 2, one line on stderr that says what is wrong, no stack trace, nothing on stdout. */
async function expectUsageError(args: string[], message: RegExp): Promise<void> {
  const result = await chaoslab(args);
  expect(result.signal).toBeNull();
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('usage errors', () => {
  it('an unknown scenario name, with the closest names suggested', async () => {
    await expectUsageError(['run', 'lost-reply-exactly-onec'], /no scenario "lost-reply-exactly-onec"; did you mean lost-reply-exactly-once\?/);
    await expectUsageError(['run', 'baseline'], /no scenario "baseline"; did you mean one of baseline-at-most-once, baseline-exactly-once\?/);
    await expectUsageError(['run', 'zzz'], /^error: no scenario "zzz" \(`chaoslab list` shows them all\)$/);
  });

  it('--parallel, --repeat and --shard out of range or malformed', async () => {
    await expectUsageError(['run', '--parallel', '0'], /--parallel takes a whole number from 1 to 64/);
    await expectUsageError(['run', '--parallel', '2.5'], /--parallel takes a whole number/);
    await expectUsageError(['run', '--repeat', '0'], /--repeat takes a whole number from 1/);
    await expectUsageError(['run', '--repeat', 'x'], /--repeat takes a whole number/);
    await expectUsageError(['run', '--shard', '3/2'], /--shard takes i\/n/);
    await expectUsageError(['run', '--shard', '0/2'], /--shard takes i\/n/);
    await expectUsageError(['list', '--shard', '1'], /--shard takes i\/n/);
  });

  it('seeds: empty, past 2^32-1, in exponent form, negative, or pushed past 2^32-1 by --repeat', async () => {
    await expectUsageError(['run', '--seed', ''], /--seed takes a whole number from 0 to 4294967295/);
    await expectUsageError(['run', '--seed', '4294967296'], /--seed takes a whole number from 0 to 4294967295/);
    await expectUsageError(['run', '--seed', '1e20'], /--seed takes a whole number/);
    await expectUsageError(['run', '--seed=-1'], /--seed takes a whole number/);
    await expectUsageError(['run', '--seed', '4294967295', '--repeat', '2'], /--seed 4294967295 with --repeat 2 would run seeds past 4294967295/);
    await expectUsageError(['proxy', '--seed', ''], /--seed must be a whole number from 0 to 4294967295/);
    await expectUsageError(['proxy', '--port', '1e3'], /--port must be a whole number from 0 to 65535/);
  });

  it('an unknown option or command', async () => {
    await expectUsageError(['run', '--sed', '3'], /unknown option '--sed' \(Did you mean --seed\?\)/);
    await expectUsageError(['frobnicate'], /unknown command 'frobnicate'/);
  });
});

describe('--version and --help', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const result = await chaoslab(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });

  it('--help of chaoslab and of run list every exit status', async () => {
    for (const args of [['--help'], ['run', '--help']]) {
      const result = await chaoslab(args);
      expect(result.code).toBe(0);
      for (const { code, meaning } of Object.values(exitCodes)) expect(result.stdout.replace(/\s+/g, ' ')).toContain(`${code} ${meaning}`);
    }
  });

  it("README's table of exit statuses is the CLI's", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `?(\d)`? \| (.+) \|$/gm)].map((match) => ({ code: Number(match[1]), meaning: match[2] }));
    expect(rows).toEqual(Object.values(exitCodes).map(({ code, meaning }) => ({ code, meaning })));
  });
});
