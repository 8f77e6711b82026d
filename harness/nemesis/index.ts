// The faults a scenario can use, one per file; see docs/SCENARIOS.md for their parameters.
export type { Fault, FaultWindow, When } from './fault.ts';
export { loseMessages } from './lose-messages.ts';
export { loseReplies } from './lose-replies.ts';
export { cutWire } from './cut-wire.ts';
export { partition } from './partition.ts';
export { latency } from './latency.ts';
export { partialMessages } from './partial-messages.ts';
export { sliceMessages } from './slice-messages.ts';
export { corruptMessages } from './corrupt-messages.ts';
export { duplicateMessages } from './duplicate-messages.ts';
export { reorderMessages } from './reorder-messages.ts';
export { resetConnections } from './reset-connections.ts';
export { stallConnections } from './stall-connections.ts';
export { throttle } from './throttle.ts';
export { slowClose } from './slow-close.ts';
export { crash } from './crash.ts';
export { pause } from './pause.ts';
export { randomFaults, type GenerateOptions, type FaultGenerator } from './generate.ts';
