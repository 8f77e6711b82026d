import { describe, expect, it } from 'vitest';
import { Timeout } from '../../nodes/errors.ts';
import { logService } from '../../nodes/programs/log.ts';
import type { Caller } from '../../nodes/rpc/caller.ts';
import { CallTimeout } from '../../nodes/rpc/errors.ts';
import { clientStub } from '../../nodes/rpc/stub.ts';
import { Outbox } from '../../nodes/semantics/outbox.ts';
import { behaviourOf } from '../../nodes/semantics/settings.ts';
import { realEnv } from '../../nodes/env/real.ts';

// The call engine's deadline against a scripted server (no sockets, no processes): which error the caller gets,
// and what becomes of the call after the caller stopped waiting.

const op = { id: 'op', body: 'b', digest: 'd' };
const policy = { initialMs: 10, maxMs: 20, multiplier: 2, jitter: 0, maxAttempts: 10_000, giveUpMs: 10_000 };

describe('a call and its deadline', () => {
  it('at-most-once: a transmission that times out at the deadline before the deadline timer is still CallTimeout', async () => {
    // The transmission's own timer may fire before the call's deadline timer (a busy event loop's clock lags the
    // wall clock): the server did not answer within the deadline either way.
    const caller: Caller = {
      identity: 'a',
      env: realEnv,
      request: (_node, _message, { timeoutMs }) =>
        new Promise((_resolve, reject) => setTimeout(() => reject(new Timeout('no answer')), Math.max(0, timeoutMs - 20))),
    };
    const log = clientStub(logService, caller, { target: 'b', deadlineMs: 100 });
    await expect(log.append(op)).rejects.toBeInstanceOf(CallTimeout);
  });

  it('at-least-once: past the deadline the caller gets CallTimeout and the call is retransmitted until answered', async () => {
    let healed = false;
    let answeredAfterDeadline!: () => void;
    const answered = new Promise<void>((resolve) => (answeredAfterDeadline = resolve));
    const seen: unknown[] = [];
    const caller: Caller = {
      identity: 'a',
      env: realEnv,
      request: (_node, message, { timeoutMs }) => {
        seen.push((message as { call: { key: unknown } }).call.key);
        if (!healed) return new Promise((_resolve, reject) => setTimeout(() => reject(new Timeout('lost')), timeoutMs));
        answeredAfterDeadline();
        return Promise.resolve({ type: 'reply', result: { ok: true } });
      },
    };
    const outbox = Outbox.inMemory(realEnv.clock);
    const log = clientStub(logService, caller, { target: 'b', deadlineMs: 100, behaviour: behaviourOf('at-least-once'), retransmit: policy, outbox, random: () => 0.5 });
    await expect(log.append(op)).rejects.toBeInstanceOf(CallTimeout);
    expect(outbox.unsettledCount).toBe(1);
    healed = true;
    await answered;
    await new Promise((resolve) => setImmediate(resolve));
    expect(outbox.unsettledCount).toBe(0);
    // Every transmission carried the call's one key.
    expect(new Set(seen.map((key) => JSON.stringify(key))).size).toBe(1);
  });
});
