import { createLogUpdate } from 'log-update';
import type { ScenarioOutcome } from '../../outcome/index.ts';
import { styleFor, type Style } from './style.ts';

/** How a run shows its scenarios while they go: `index` is the run's position, 0-based, of `total`. */
export interface ProgressView {
  progress(index: number, line: string): void;
  finished(index: number, outcome: ScenarioOutcome): void;
  /** Before the summary: the view leaves nothing half-drawn. */
  close(): void;
}

interface ProgressStream extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/**
 * On a terminal a live region, one line per running scenario updated in place, with a line kept above it per
 * finished scenario; anywhere else (a pipe, CI's log) one line per event, which reads well in a log and greps.
 */
export function progressView(total: number, stream: ProgressStream = process.stderr, env = process.env): ProgressView {
  const style = styleFor(stream, env);
  // A pseudo-terminal without a size (some CI runners allocate one) cannot hold a live region.
  const live = style.terminal && (stream.columns ?? 0) > 0 && (stream.rows ?? 0) > 0;
  return live ? new LiveView(total, stream, style) : new EventLines(total, stream, style);
}

function counter(index: number, total: number): string {
  return `[${index + 1}/${total}]`;
}

export function finishedLine(outcome: ScenarioOutcome, style: Style): string {
  const { colour } = style;
  const time = colour.dim(`${(outcome.durationMs / 1000).toFixed(1)} s`);
  if (outcome.skipped) return `${colour.yellow('-')} ${outcome.name} ${colour.yellow(`skipped: ${outcome.skipped}`)}`;
  if (outcome.error) return `${style.fail} ${outcome.name} ${colour.red(`error: ${outcome.error}`)} ${time}`;
  if (!outcome.ok) return `${style.fail} ${outcome.name} ${colour.red('NOT as expected')} (seed ${outcome.seed}) ${time}`;
  return `${style.pass} ${outcome.name} ${time}`;
}

class EventLines implements ProgressView {
  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream,
    private readonly style: Style,
  ) {}

  progress(index: number, line: string): void {
    this.stream.write(`${this.style.colour.dim(counter(index, this.total))} ${line}\n`);
  }

  // The scenario's last progress line already said how it ended.
  finished(): void {}

  close(): void {}
}

class LiveView implements ProgressView {
  private readonly running = new Map<number, string>();
  private readonly region: ReturnType<typeof createLogUpdate>;
  private done = 0;
  private unexpected = 0;

  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream,
    private readonly style: Style,
  ) {
    // The cursor stays visible: hiding it would need an exit hook to bring it back after a kill.
    this.region = createLogUpdate(stream, { showCursor: true });
  }

  progress(index: number, line: string): void {
    this.running.set(index, line);
    this.render();
  }

  finished(index: number, outcome: ScenarioOutcome): void {
    this.running.delete(index);
    this.done++;
    if (!outcome.ok) this.unexpected++;
    this.region.clear();
    this.stream.write(`${finishedLine(outcome, this.style)}\n`);
    this.render();
  }

  close(): void {
    this.region.clear();
  }

  private render(): void {
    const { colour } = this.style;
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    // Cut, not wrapped: a wrapped line would push the region down and leave copies of it behind.
    const fit = (text: string) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
    const lines = [...this.running].map(([index, line]) => {
      const prefix = counter(index, this.total);
      return `${colour.dim(prefix)} ${fit(`${prefix} ${line}`).slice(prefix.length + 1)}`;
    });
    const failed = this.unexpected > 0 ? `, ${colour.red(`${this.unexpected} not as expected`)}` : '';
    lines.push(colour.dim(`${this.done} of ${this.total} done, ${this.running.size} running`) + failed);
    this.region(lines.join('\n'));
  }
}
