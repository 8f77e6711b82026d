import { toxicFault } from './toxic.ts';

/** Deliver what `from` sends in small pieces with pauses between them: a message arrives whole or not at all. */
export const sliceMessages = toxicFault({
  kind: 'slice-messages',
  defaults: { averageSize: 3, sizeVariation: 2, delayUs: 200 },
  toxic: ({ averageSize, sizeVariation, delayUs }) => ({
    type: 'slicer',
    stream: 'upstream',
    attributes: { average_size: averageSize, size_variation: sizeVariation, delay: delayUs },
  }),
});
