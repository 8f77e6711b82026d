import type { Timer } from '../../../nodes/env/index.ts';
import { milliseconds, type ToxicKind, type ToxicStage } from '../toxic.ts';

/** When data (or the end) arrives, waits `timeout` ms and resets the connection with a TCP RST; data is dropped. */
export const resetPeer: ToxicKind<{ timeout: number }> = {
  type: 'reset_peer',
  attributes: { timeout: milliseconds() },
  open(context): ToxicStage {
    let timer: Timer | undefined;
    let ended = false;
    const arm = () => {
      timer ??= context.clock.setTimeout(() => context.reset(), context.attributes().timeout);
    };
    return {
      push(chunk) {
        context.discard(chunk.length);
        arm();
      },
      end() {
        ended = true;
        arm();
      },
      detach() {
        context.clock.clearTimeout(timer);
        timer = undefined;
        // Removed before the reset: an end that already arrived still reaches the other side.
        if (ended) context.emitEnd();
      },
    };
  },
};
