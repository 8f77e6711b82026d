import type { Address } from '../backends/backend.ts';
import type { Env } from '../../nodes/env/index.ts';
import { NodeClient } from '../../nodes/client.ts';
import { callerFromClient } from '../../nodes/rpc/caller.ts';
import type { ClientStub, ServiceDecl } from '../../nodes/rpc/service.ts';
import { clientStub } from '../../nodes/rpc/stub.ts';

/** The harness's own identity toward nodes (docs/SEMANTICS.md: access control). */
export const HARNESS_IDENTITY = 'harness';

/** Where a harness connection runs and whose lab it speaks for. */
export interface ConnectionContext {
  /** The lab's id, said in hello (undefined: the harness says none, as for a node started outside a lab). */
  lab: string | undefined;
  /** The world the connection lives in (a simulated one on `sim`); Node's own when absent. */
  env?: Env;
}

export interface MailboxSizes {
  queued: number;
  leased: number;
}

/**
 * One connection from the harness straight to a node (no proxy: the harness's own calls are never faulted), over
 * which it calls the node's services through typed stubs and reads its mailboxes.
 */
export class NodeConnection {
  private constructor(
    private readonly node: string,
    private readonly client: NodeClient,
  ) {}

  /**
   * `lab`: the lab's id, said in hello, so that a node of another lab at this address refuses the connection;
   * `env`: the world the connection lives in (a simulated one on `sim`).
   */
  static async open(node: string, address: Address, { lab, env }: ConnectionContext): Promise<NodeConnection> {
    return new NodeConnection(node, await NodeClient.connect(address, { identity: HARNESS_IDENTITY, lab, env }));
  }

  /** A typed stub of one of the node's services; each call waits at most `deadlineMs` for its answer. */
  stub<S extends ServiceDecl>(service: S, deadlineMs: number): ClientStub<S> {
    return clientStub(service, callerFromClient(this.client), { target: this.node, deadlineMs });
  }

  /** The node's mailboxes (the wire protocol's `stats`). */
  async mailboxes(): Promise<Record<string, MailboxSizes>> {
    return (await this.client.stats()).mailboxes as Record<string, MailboxSizes>;
  }

  close(): void {
    void this.client.close();
  }
}

/** Runs `use` on a connection of its own to the node, closed whichever way it ends. */
export async function withConnection<T>(
  node: string,
  address: Address,
  context: ConnectionContext,
  use: (connection: NodeConnection) => Promise<T>,
): Promise<T> {
  const connection = await NodeConnection.open(node, address, context);
  try {
    return await use(connection);
  } finally {
    connection.close();
  }
}

/**
 * A typed stub whose every call opens a connection of its own to the node and closes it once answered: for the
 * harness's occasional calls (setup, reading results), which must not depend on a connection surviving a crash.
 */
export function stubPerCall<S extends ServiceDecl>(
  node: string,
  address: () => Address,
  context: ConnectionContext,
  service: S,
  deadlineMs: number,
): ClientStub<S> {
  const stub: Record<string, (args: unknown) => Promise<unknown>> = {};
  for (const procedure of Object.keys(service.procedures)) {
    stub[procedure] = (args) =>
      withConnection(node, address(), context, (connection) => (connection.stub(service, deadlineMs) as Record<string, (args: unknown) => Promise<unknown>>)[procedure]!(args));
  }
  return stub as ClientStub<S>;
}
