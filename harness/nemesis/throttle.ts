import { toxicFault, type Stream } from './toxic.ts';

/** Limit one direction of a link to `kbPerSecond` (Toxiproxy's bandwidth): big messages queue up behind each other. */
export const throttle = toxicFault<{ stream: Stream }, { kbPerSecond: number }>({
  kind: 'throttle',
  defaults: { stream: 'downstream' },
  toxic: ({ kbPerSecond, stream }) => ({ type: 'bandwidth', stream, attributes: { rate: kbPerSecond } }),
});
