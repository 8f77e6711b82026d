import * as z from 'zod';
import { defineService } from '../rpc/service.ts';

// The name service: dynamic binding of service -> server nodes (with leases), and node -> address as seen by
// the asking node (the lab points each directed link at its proxy).

const Address = z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) });

export const namesService = defineService('names', {
  /** A server announces that it serves `service`; it must renew before `leaseMs` runs out or it drops out. */
  register: {
    args: z.object({ service: z.string().min(1), node: z.string().min(1), address: Address.optional(), leaseMs: z.number().int().positive().max(3_600_000) }),
    result: z.object({ ok: z.literal(true), leaseUntil: z.number() }),
  },
  /** Nodes with a live registration for `service`, in name order (so every client binds to the same one first). */
  lookup: {
    args: z.object({ service: z.string().min(1) }),
    result: z.object({ nodes: z.array(z.string()) }),
  },
  /** Where the caller should connect to reach `node`: its link's proxy, else the node's registered address. */
  resolve: {
    args: z.object({ node: z.string().min(1) }),
    result: Address,
  },
  /** The lab's wiring: connections from `from` to `to` go to host:port (the proxy of link from->to). */
  setLinks: {
    args: z.object({ links: z.array(z.object({ from: z.string().min(1), to: z.string().min(1), host: z.string().min(1), port: z.number().int().min(1).max(65535) })) }),
    result: z.object({ ok: z.literal(true), links: z.number() }),
  },
});

/** The name a node uses for the name service in its own resolver (it is reached at `config.nameService`). */
export const NAME_SERVICE_NODE = 'name-service';
