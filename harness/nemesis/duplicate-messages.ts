import { toxicFault } from './toxic.ts';

/** Deliver frames `from` sends twice, as a network that retransmits below the application would (frame toxic). */
export const duplicateMessages = toxicFault({
  kind: 'duplicate-messages',
  defaults: { probability: 1 },
  needs: 'frame-toxics',
  toxic: ({ probability }) => ({ type: 'duplicate_frames', stream: 'upstream', attributes: { probability } }),
});
