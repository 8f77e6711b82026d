import type { Address } from '../backends/backend.ts';
import { NodeClient } from '../../nodes/client.ts';

/** The harness's own identity toward nodes (docs/SEMANTICS.md: access control). */
export const HARNESS_IDENTITY = 'harness';

let nextSeq = 0;

/** One RPC from the harness straight to a node (no proxy): used for setup, the workload and reading results. */
export class ServiceConnection {
  private constructor(private readonly client: NodeClient) {}

  static async open(address: Address): Promise<ServiceConnection> {
    return new ServiceConnection(await NodeClient.connect(address, { identity: HARNESS_IDENTITY }));
  }

  async call<T>(service: string, proc: string, args: unknown, timeoutMs: number): Promise<T> {
    const answer = (await this.client.request(
      {
        type: 'call',
        call: { service, proc, args, key: { from: HARNESS_IDENTITY, seq: nextSeq++ }, deadline: Date.now() + timeoutMs },
      },
      { timeoutMs },
    )) as { result?: T; error?: { code: string; message: string } };
    if (answer.error) throw new Error(`${service}.${proc} failed: ${answer.error.code}: ${answer.error.message}`);
    return answer.result as T;
  }

  close(): void {
    void this.client.close();
  }
}

export interface MailboxSizes {
  queued: number;
  leased: number;
}

/** A node's mailboxes (the wire protocol's `stats`), straight from the node. */
export async function mailboxSizes(address: Address): Promise<Record<string, MailboxSizes>> {
  const client = await NodeClient.connect(address, { identity: HARNESS_IDENTITY });
  try {
    return (await client.stats()).mailboxes as Record<string, MailboxSizes>;
  } finally {
    void client.close();
  }
}

export async function callService<T>(address: Address, service: string, proc: string, args: unknown, timeoutMs: number): Promise<T> {
  const connection = await ServiceConnection.open(address);
  try {
    return await connection.call<T>(service, proc, args, timeoutMs);
  } finally {
    connection.close();
  }
}
