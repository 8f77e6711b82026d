import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { setTimeout as sleep } from 'node:timers/promises';

// What a harness killed with SIGKILL leaves on the process backend: its node processes (now children of init)
// and their data folders. Each lab keeps a note of what it started, in its data folder, so that
// `chaoslab clean` can remove it later; the note names every process by pid *and* start time, so that a pid
// the system has since given to another process is never touched.

/** A lab's data folder: `<os temp dir>/chaoslab-<harness pid>-...`; the note lies inside it. */
export const DATA_ROOT_PREFIX = 'chaoslab-';
const NOTE_FILE = 'chaoslab-lab.json';

const ProcessRef = z.object({ pid: z.number().int().positive(), start: z.string().min(1) });
const LabNote = z.object({
  harness: ProcessRef,
  // `command`: the command line it was started with, for a node of the user's own that sets no `chaoslab node` title.
  nodes: z.array(ProcessRef.extend({ name: z.string(), command: z.string().optional() })),
});
type LabNote = z.infer<typeof LabNote>;
type ProcessRef = z.infer<typeof ProcessRef>;

/** The note of one lab on the process backend, rewritten whenever it starts a node process. */
export class LeftoverNote {
  private note: LabNote | undefined;

  constructor(private readonly dataRoot: string) {}

  /** Call once the data folder exists, before anything is put in it: the folder is never left unclaimed. */
  claimFolder(): void {
    if (this.note === undefined && this.open()) this.write();
  }

  /** Call right after the spawn, before anything else can run: a harness killed later leaves nothing unnamed. */
  nodeStarted(name: string, pid: number, command: string[]): void {
    const start = processStart(pid);
    if (start === undefined || !this.open()) return;
    this.note!.nodes.push({ name, pid, start, command: command.join(' ') });
    this.write();
  }

  /** Whether there is a note to keep: without start times (no /proc, no ps) no pid could be told from its next holder. */
  private open(): boolean {
    if (this.note) return true;
    const harnessStart = processStart(process.pid);
    if (harnessStart === undefined) return false;
    this.note = { harness: { pid: process.pid, start: harnessStart }, nodes: [] };
    return true;
  }

  /** Written whole, then renamed into place: a harness killed mid-write leaves the previous note, never half one. */
  private write(): void {
    const file = join(this.dataRoot, NOTE_FILE);
    writeFileSync(`${file}.tmp`, JSON.stringify(this.note));
    renameSync(`${file}.tmp`, file);
  }
}

export interface LeftoverSweep {
  /** Node processes stopped. */
  processes: number;
  /** Data folders removed. */
  folders: number;
  /** Data folders of labs whose harness still runs, left alone. */
  leftAlive: number;
}

/**
 * Stops the node processes and removes the data folders of process-backend labs whose harness has died (with
 * `all`, of every lab, also running ones). A process is stopped only if it still is the one the lab started (same
 * pid, same start time, a `chaoslab node` command line).
 */
export async function sweepProcessLeftovers(options: { all?: boolean; dir?: string } = {}): Promise<LeftoverSweep> {
  const dir = options.dir ?? tmpdir();
  const result: LeftoverSweep = { processes: 0, folders: 0, leftAlive: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith(DATA_ROOT_PREFIX)) continue;
    const root = join(dir, entry.name);
    const note = readNote(root);
    if (!note) continue; // not a lab's folder
    if (!options.all && isRunning(note.harness)) {
      result.leftAlive++;
      continue;
    }
    const nodes = note.nodes.filter((node) => isRunning(node) && isThatNode(node));
    for (const node of nodes) {
      try {
        process.kill(node.pid, 'SIGKILL');
      } catch {
        // gone in the meantime
      }
    }
    await waitUntilGone(nodes);
    result.processes += nodes.length;
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    result.folders++;
  }
  return result;
}

function readNote(root: string): LabNote | undefined {
  try {
    const parsed = LabNote.safeParse(JSON.parse(readFileSync(join(root, NOTE_FILE), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A killed process is gone once the system has reaped it; a zombie counts as gone. */
async function waitUntilGone(processes: ProcessRef[]): Promise<void> {
  for (let i = 0; i < 100 && processes.some(isRunning); i++) await sleep(20);
}

/** Whether the process that had this pid and start time still runs (not a zombie, not a newer holder of the pid). */
export function isRunning(ref: ProcessRef): boolean {
  const start = processStart(ref.pid);
  return start !== undefined && start === ref.start;
}

/**
 * When a running process started, as an opaque token (ticks since boot on Linux, `ps`'s start time elsewhere);
 * undefined when no such process runs or it is a zombie.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command, which is in parentheses and may hold spaces: state is field 3, start time 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[19];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && hasProc()) return undefined;
  }
  const ps = spawnSync('ps', ['-o', 'stat=,lstart=', '-p', String(pid)], { encoding: 'utf8' });
  const line = ps.stdout?.trim();
  if (ps.status !== 0 || !line || line.startsWith('Z')) return undefined;
  return line.slice(line.indexOf(' ') + 1).trim();
}

/** The process still is the lab's node: chaoslab's node by its title, any other by the command line it was given. */
function isThatNode(node: LabNote['nodes'][number]): boolean {
  const line = commandLine(node.pid);
  return line.startsWith(`chaoslab node ${node.name}`) || (node.command !== undefined && line === node.command);
}

/** A process's command line as `ps` shows it (a node sets its title to `chaoslab node NAME`). */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+/g, ' ').trim();
  } catch {
    const ps = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.stdout?.trim() ?? '';
  }
}

let procMounted: boolean | undefined;
function hasProc(): boolean {
  try {
    return (procMounted ??= readdirSync('/proc/self').length > 0);
  } catch {
    return (procMounted = false);
  }
}
