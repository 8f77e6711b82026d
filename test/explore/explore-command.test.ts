import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../harness/cli/commands/explore.ts';
import { chaoslab } from '../cli/cli.ts';

describe('explore --time', () => {
  it('reads ms, s, m and h, and refuses anything else with one message', () => {
    expect(parseDuration('1500')).toBe(1500);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    for (const bad of ['', '5 m', '1.5m', '-1s', '5d', 'm']) expect(() => parseDuration(bad), bad).toThrow(/--time takes a duration/);
  });
});

describe('explore usage errors', () => {
  it('exit 2 with one line, before anything runs', { timeout: 60_000 }, async () => {
    for (const [args, message] of [
      [['explore'], /required option '--semantics <setting>' not specified/],
      [['explore', '--semantics', 'twice'], /--semantics takes one of at-most-once, at-least-once, exactly-once-volatile, exactly-once/],
      [['explore', '--semantics', 'exactly-once', '--bug', 'nope'], /--bug takes one of ack-before-durable/],
      [['explore', '--semantics', 'exactly-once', '--faults', 'extreme'], /--faults takes one of light, default, heavy/],
      [['explore', '--semantics', 'exactly-once', '--time', '5 minutes'], /--time takes a duration/],
      [['explore', '--semantics', 'exactly-once', '--node-command', 'python3 node.py', '--backend', 'sim'], /explore it on backend process/],
      [['explore', '--semantics', 'exactly-once', '--node-command', 'python3 node.py', '--bug', 'no-fsync'], /--node-command: a node command and a bug variant/],
      [['explore', '--semantics', 'exactly-once', '--node-command', ' '], /--node-command: the node command is empty/],
    ] as const) {
      const result = await chaoslab([...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
  });
});
