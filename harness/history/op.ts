import * as z from 'zod';

/**
 * The shapes of the three record files of a run folder (docs/ARCHITECTURE.md fixes them).
 * Operations are plain data, as in Jepsen: an `invoke` and later one completion for the same op.
 */

/** `info` is indeterminate: the op may or may not have happened, so it is never counted as failed. */
export const opTypes = ['invoke', 'ok', 'fail', 'info'] as const;
export type OpType = (typeof opTypes)[number];
export type Completion = Exclude<OpType, 'invoke'>;

/** An op's value always names the op id the nodes execute under; other fields are the workload's. */
export const opValueSchema = z.looseObject({ id: z.string().min(1) });
export type OpValue = z.infer<typeof opValueSchema>;

export const opSchema = z.object({
  index: z.number().int().nonnegative(),
  process: z.union([z.number().int(), z.string().min(1)]),
  type: z.enum(opTypes),
  f: z.string().min(1),
  value: opValueSchema,
  node: z.string(),
  time: z.number().nonnegative(),
  error: z.string().optional(),
});
export type Op = z.infer<typeof opSchema>;
export type Process = Op['process'];

export const faultEventSchema = z.object({
  index: z.number().int().nonnegative(),
  id: z.string().min(1),
  type: z.enum(['start', 'stop']),
  fault: z.string().min(1),
  target: z.record(z.string(), z.unknown()),
  time: z.number().nonnegative(),
});
export type FaultEvent = z.infer<typeof faultEventSchema>;
export type FaultTarget = FaultEvent['target'];

/** The message id a node acted on: a retransmission keeps it, a retry under a new message id does not. */
export const messageKeySchema = z.object({ from: z.string(), seq: z.number().int() });
export type MessageKey = z.infer<typeof messageKeySchema>;

/** One time a procedure ran or a consumer acted on a message: the nodes' ground truth. */
export const executionSchema = z.object({
  id: z.string().min(1),
  node: z.string(),
  by: z.string(),
  key: messageKeySchema,
  time: z.number(),
  intact: z.boolean(),
  takenAt: z.number().optional(),
  leaseUntil: z.number().optional(),
  /** Which arrival of the message a consumer took: copies of one message differ, a redelivery keeps it. */
  copy: z.string().optional(),
});
export type Execution = z.infer<typeof executionSchema>;

/**
 * One frame's passage through a link's proxy (wire.jsonl): `sent` when it entered the link, `delivered` when a
 * copy left it, or what a frame toxic did to it. `frame` numbers the frames of one direction of one connection
 * in the order they entered (-1: a copy the proxy could not match, e.g. corrupted by a toxic that did not say).
 */
export const wireRecordSchema = z.object({
  time: z.number(),
  link: z.string().min(1),
  stream: z.enum(['upstream', 'downstream']),
  connection: z.number().int(),
  frame: z.number().int(),
  event: z.enum(['sent', 'delivered', 'dropped', 'duplicated', 'corrupted', 'delayed']),
  bytes: z.number().int().nonnegative(),
  toxic: z.string().optional(),
  type: z.string().optional(),
  rid: z.number().optional(),
  key: messageKeySchema.optional(),
  op: z.string().optional(),
  proc: z.string().optional(),
  error: z.string().optional(),
});
export type WireRecord = z.infer<typeof wireRecordSchema>;
