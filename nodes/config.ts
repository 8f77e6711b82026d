import * as z from 'zod';
import { InvalidConfig } from './errors.ts';
import { BUGS, SEMANTICS } from './semantics/settings.ts';

const Address = z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) });
export type Address = z.infer<typeof Address>;

/** `HOST:PORT` as given on a command line (the last colon splits, so `::1:80` is host `::1`); `what` names it in the error. */
export function parseHostPort(spec: string, what: string): Address {
  const match = /^(.+):(\d+)$/.exec(spec);
  if (!match) throw new InvalidConfig(`${what} expects HOST:PORT, got '${spec}'`);
  return { host: match[1]!, port: Number(match[2]) };
}

/** The delivery setting, validated against the one list of settings (nodes/semantics/settings.ts). */
export const Semantics = z.enum(SEMANTICS);
export type Semantics = z.infer<typeof Semantics>;

/** The whole configuration of one node: from --config FILE, then --config-json, then individual flags. */
export const NodeConfig = z.strictObject({
  id: z.string().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only'),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535),
  /**
   * The id of the lab (cluster) this node belongs to, said in every hello and welcome: a connection between nodes
   * of two different labs is refused, so that an address reused by another lab on the same machine reaches a node
   * that says no instead of one that serves. Absent: this node says no lab id and refuses no peer for its lab id.
   */
  lab: z.string().min(1).max(100).optional(),
  data: z.string().min(1).optional(),
  maxFrameBytes: z.number().int().min(64).max(256 * 1024 * 1024).default(1024 * 1024),
  mailboxCapacity: z.number().int().positive().default(1024),
  leaseMs: z.number().int().positive().default(5000),
  peers: z.record(z.string(), Address).default({}),
  nameService: Address.optional(),
  programs: z.array(z.string().min(1)).default([]),
  semantics: Semantics.default('at-least-once'),
  bug: z.enum(BUGS).optional(),
  retransmit: z
    .strictObject({
      initialMs: z.number().positive().default(25),
      maxMs: z.number().positive().default(500),
      multiplier: z.number().min(1).default(2),
      jitter: z.number().min(0).max(1).default(0.2),
      maxAttempts: z.number().int().positive().default(50),
      giveUpMs: z.number().positive().default(15000),
    })
    .prefault({}),
  workers: z.number().int().positive().default(4),
  security: z
    .strictObject({
      labKey: z.string().min(1),
      credential: z.string().min(1),
      acl: z.record(z.string(), z.array(z.string())).default({}),
    })
    .optional(),
  options: z.record(z.string(), z.unknown()).default({}),
});
/** A validated configuration, every default filled in. */
export type NodeConfig = z.infer<typeof NodeConfig>;
/** What callers may pass: defaults may be left out. */
export type NodeConfigInput = z.input<typeof NodeConfig>;

/** Validate, filling defaults; a bad configuration throws InvalidConfig naming every bad field. */
export function parseNodeConfig(input: unknown): NodeConfig {
  const parsed = NodeConfig.safeParse(input);
  if (!parsed.success) throw new InvalidConfig(`invalid node configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
