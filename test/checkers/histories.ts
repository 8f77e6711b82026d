import type { Execution, Op } from '../../harness/history/op.ts';
import type { CheckInput } from '../../harness/checkers/index.ts';

/** A tiny language for hand-made histories: each op is invoked, then completed, one time unit apart. */
export class HistoryBuilder {
  readonly history: Op[] = [];
  readonly executions: Execution[] = [];
  private time = 0;
  private seq = 0;

  invoke(id: string, process = 0, f = 'append'): number {
    const index = this.history.length;
    this.history.push({ index, process, type: 'invoke', f, value: { id }, node: 'n1', time: (this.time += 1) });
    return index;
  }

  complete(invokeIndex: number, type: 'ok' | 'fail' | 'info', error?: string): this {
    const invoke = this.history[invokeIndex]!;
    const op: Op = { ...invoke, index: this.history.length, type, time: (this.time += 1) };
    if (error) op.error = error;
    this.history.push(op);
    return this;
  }

  /** An op invoked and completed at once. */
  op(id: string, type: 'ok' | 'fail' | 'info', process = 0, f = 'append'): this {
    return this.complete(this.invoke(id, process, f), type);
  }

  execute(id: string, fields: Partial<Execution> = {}): this {
    this.executions.push({
      id,
      node: 'n2',
      by: 'n2/worker-1',
      key: { from: 'n1', seq: (this.seq += 1) },
      time: (this.time += 1),
      intact: true,
      ...fields,
    });
    return this;
  }

  input(healed = true, options: CheckInput['options'] = {}): CheckInput {
    return { history: this.history, executions: this.executions, faults: [], healed, options };
  }
}
