import type { Fault } from './fault.ts';
import { toxicFault } from './toxic.ts';

/** Deliver what `from` sends in small pieces with pauses between them: a message arrives whole or not at all. */
export function sliceMessages(
  link: string,
  { averageSize = 3, sizeVariation = 2, delayUs = 200 }: { averageSize?: number; sizeVariation?: number; delayUs?: number } = {},
): Fault {
  return toxicFault({
    kind: 'slice-messages',
    link,
    stream: 'upstream',
    target: { averageSize, sizeVariation, delayUs },
    toxic: () => ({ type: 'slicer', attributes: { average_size: averageSize, size_variation: sizeVariation, delay: delayUs } }),
  });
}
