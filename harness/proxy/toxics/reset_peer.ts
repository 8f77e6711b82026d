import { milliseconds, type ToxicKind, type ToxicStage } from '../toxic.ts';

/** When data (or the end) arrives, waits `timeout` ms and resets the connection with a TCP RST; data is dropped. */
export const resetPeer: ToxicKind<{ timeout: number }> = {
  type: 'reset_peer',
  attributes: { timeout: milliseconds() },
  open(context): ToxicStage {
    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    const arm = () => {
      timer ??= setTimeout(() => context.reset(), context.attributes().timeout);
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
        clearTimeout(timer);
        timer = undefined;
        // Removed before the reset: an end that already arrived still reaches the other side.
        if (ended) context.emitEnd();
      },
    };
  },
};
