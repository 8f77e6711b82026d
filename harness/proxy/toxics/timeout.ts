import { milliseconds, type ToxicKind, type ToxicStage } from '../toxic.ts';

/**
 * Stops all data (it is dropped) and closes the connection `timeout` ms after the toxic meets it; with 0 the
 * connection stays open and data is dropped until the toxic is removed. Removing it closes the connections it
 * met: the bytes it dropped are gone, so a client waiting for a reply would wait forever, or read the answer to
 * a later request as the answer to the lost one.
 */
export const timeout: ToxicKind<{ timeout: number }> = {
  type: 'timeout',
  closesWhenRemoved: true,
  attributes: { timeout: milliseconds() },
  open(context): ToxicStage {
    const after = context.attributes().timeout;
    let timer = after > 0 ? context.clock.setTimeout(() => context.close(), after) : undefined;
    return {
      push: (chunk) => context.discard(chunk.length),
      end: () => context.close(),
      detach() {
        context.clock.clearTimeout(timer);
        timer = undefined;
      },
    };
  },
};
