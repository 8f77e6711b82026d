import { toxicFault } from './toxic.ts';

/** Flip bits in the payload of frames `from` sends, so that the checksum no longer matches (frame toxic). */
export const corruptMessages = toxicFault({
  kind: 'corrupt-messages',
  defaults: { probability: 1 },
  needs: 'frame-toxics',
  toxic: ({ probability }) => ({ type: 'corrupt_frames', stream: 'upstream', attributes: { probability } }),
});
