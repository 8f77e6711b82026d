// Who sends a call: a node (Node.request, to any node by name) or an outsider holding one connection
// (NodeClient.request: the harness driving a node). Both look the same to the stubs.

export interface Caller {
  /** The caller's identity: the `from` of every call key it makes. */
  readonly identity: string;
  request(target: string, message: Record<string, unknown>, options: { timeoutMs: number }): Promise<unknown>;
}

interface RequestsByNode {
  id: string;
  request(toNode: string, message: object, options: { timeoutMs: number }): Promise<unknown>;
}

interface RequestsOnOneConnection {
  request(message: object, options: { timeoutMs: number }): Promise<unknown>;
}

export function callerFromNode(node: RequestsByNode): Caller {
  return { identity: node.id, request: (target, message, options) => node.request(target, message, options) };
}

/** @param identity the `from` of call keys; give each outside caller its own so their sequences never collide. */
export function callerFromClient(client: RequestsOnOneConnection, identity = 'harness'): Caller {
  return { identity, request: (_target, message, options) => client.request(message, options) };
}
