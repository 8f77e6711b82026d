// Who sends a call: a node (Node.request, to any node by name) or an outsider holding one connection
// (NodeClient.request: the harness driving a node). Both look the same to the stubs.

import type { Env } from '../env/index.ts';

/** What a call needs of its caller's world: the clock of its deadlines and timers, and jitter when no seed is set. */
export type CallerEnv = Pick<Env, 'clock' | 'unseededRandom'>;

export interface Caller {
  /** The caller's identity: the `from` of every call key it makes. */
  readonly identity: string;
  readonly env: CallerEnv;
  request(target: string, message: Record<string, unknown>, options: { timeoutMs: number }): Promise<unknown>;
}

interface RequestsByNode {
  id: string;
  env: CallerEnv;
  request(toNode: string, message: object, options: { timeoutMs: number }): Promise<unknown>;
}

interface RequestsOnOneConnection {
  /** The hello identity of the connection (NodeClient.identity). */
  readonly identity: string;
  readonly env: CallerEnv;
  request(message: object, options: { timeoutMs: number }): Promise<unknown>;
}

export function callerFromNode(node: RequestsByNode): Caller {
  return { identity: node.id, env: node.env, request: (target, message, options) => node.request(target, message, options) };
}

/**
 * @param identity the `from` of call keys, by default the identity the client said hello with. One `from` is one
 * sender: one increasing sequence and one low-water mark (a server tracks both per `from`), so two stubs with
 * their own sequences must not share it.
 */
export function callerFromClient(client: RequestsOnOneConnection, identity = client.identity): Caller {
  return { identity, env: client.env, request: (_target, message, options) => client.request(message, options) };
}
