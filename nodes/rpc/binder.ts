// Binding: which server node a call goes to. Static (a fixed node) or dynamic (the name service, nodes/names).

export interface Binder {
  /** Server nodes for the service, best first; throws NoServer when there is none. */
  candidates(service: string): Promise<string[]>;
  /** A call could not reach `node` at all: prefer the others for a while. */
  suspect(node: string): void;
}

export function staticBinder(...nodes: string[]): Binder {
  return { candidates: async () => nodes, suspect: () => {} };
}
