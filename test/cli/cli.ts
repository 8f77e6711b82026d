import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'harness', 'cli', 'bin.mjs');

export interface Exit {
  code: number | null;
  /** Set when the process was stopped (by the time limit below), null when it exited by itself. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Options {
  env?: Record<string, string>;
  /** Modules node loads before the CLI (`--import`). */
  preload?: string[];
  /**
   * Far beyond what the command needs: reaching it stops the process (SIGTERM, which a run answers by closing its
   * labs, so nothing is left behind) and fails the test that waits.
   */
  limitMs?: number;
}

/** The terminal conventions a test sets itself, never inherited from whoever runs the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'CI', 'TERM']) delete env[name];
  return { ...env, TERM: 'xterm-256color', ...extra };
}

function collect(command: string, args: string[], env: NodeJS.ProcessEnv, limitMs: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: limitMs, killSignal: 'SIGTERM' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** `chaoslab ARGS` with its output piped, as in CI. */
export function chaoslab(args: string[], options: Options = {}): Promise<Exit> {
  const nodeArgs = (options.preload ?? []).flatMap((module) => ['--import', module]);
  return collect(process.execPath, [...nodeArgs, bin, ...args], cleanEnv(options.env), options.limitMs ?? 45_000);
}

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/**
 * `chaoslab ARGS` on a pseudo-terminal of 160 x 40 (util-linux `script`); stdout and stderr both arrive, mixed, on
 * the terminal, so on `stdout` here.
 */
export function chaoslabOnTerminal(args: string[], options: Options = {}): Promise<Exit> {
  const command = [process.execPath, bin, ...args].map(quote).join(' ');
  return collect('script', ['-qfec', `stty cols 160 rows 40; exec ${command}`, '/dev/null'], cleanEnv(options.env), options.limitMs ?? 45_000);
}

/** Any SGR sequence: colour, bold, dim. */
export const colourCode = /\x1b\[[0-9;]*m/;
