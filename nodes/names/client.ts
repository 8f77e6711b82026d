import { NotSent, RemoteError } from '../errors.ts';
import type { Node } from '../node.ts';
import type { Binder } from '../rpc/binder.ts';
import { callerFromNode } from '../rpc/caller.ts';
import { NoServer } from '../rpc/errors.ts';
import { clientStub } from '../rpc/stub.ts';
import type { ClientStub } from '../rpc/service.ts';
import { behaviourOf } from '../semantics/settings.ts';
import { NAME_SERVICE_NODE, namesService } from './service.ts';

// A node's side of the name service (`config.nameService`): its resolver asks the name service where each node
// is (through which proxy), its binder asks which nodes serve a service, and servers keep their registration
// alive by renewing the lease.

const RESOLVE_CACHE_MS = 1000;
const LOOKUP_CACHE_MS = 250;
const SUSPECT_MS = 2000;
const NAMES_DEADLINE_MS = 2000;

export interface NameClient {
  names: ClientStub<typeof namesService>;
  binder: Binder;
  /** Register `service` for this node and renew it every leaseMs/3 until the node stops. */
  register(service: string, leaseMs?: number): Promise<void>;
}

const perNode = new WeakMap<Node, NameClient>();

/** The node's name-service client, installing its resolver; undefined when the node has no `nameService`. */
export function useNameService(node: Node): NameClient | undefined {
  const address = node.config.nameService;
  if (!address) return undefined;
  const existing = perNode.get(node);
  if (existing) return existing;

  const names = clientStub(namesService, callerFromNode(node), {
    target: NAME_SERVICE_NODE,
    behaviour: behaviourOf('at-least-once'),
    retransmit: { ...node.config.retransmit, giveUpMs: NAMES_DEADLINE_MS },
    deadlineMs: NAMES_DEADLINE_MS,
  });

  const resolved = new Map<string, { address: { host: string; port: number }; until: number }>();
  node.setResolver(async (target) => {
    if (target === NAME_SERVICE_NODE) return address;
    const cached = resolved.get(target);
    if (cached && cached.until > node.env.clock.now()) return cached.address;
    try {
      const answer = await names.resolve({ node: target });
      resolved.set(target, { address: answer, until: node.env.clock.now() + RESOLVE_CACHE_MS });
      return answer;
    } catch (error) {
      const fallback = cached?.address ?? node.config.peers[target];
      if (fallback) return fallback;
      throw new NotSent(`cannot resolve node '${target}' through the name service: ${(error as Error).message}`);
    }
  });

  const lookups = new Map<string, { nodes: string[]; until: number }>();
  const suspects = new Map<string, number>();
  const binder: Binder = {
    async candidates(service) {
      let entry = lookups.get(service);
      if (!entry || entry.until <= node.env.clock.now()) {
        const { nodes } = await names.lookup({ service }).catch((error: Error) => {
          if (error instanceof RemoteError && error.code === 'permission-denied') throw error;
          throw new NoServer(service, `name service lookup failed: ${error.message}`);
        });
        entry = { nodes, until: node.env.clock.now() + LOOKUP_CACHE_MS };
        lookups.set(service, entry);
      }
      if (entry.nodes.length === 0) throw new NoServer(service, 'no live registration');
      const now = node.env.clock.now();
      const healthy = entry.nodes.filter((n) => (suspects.get(n) ?? 0) <= now);
      return [...healthy, ...entry.nodes.filter((n) => !healthy.includes(n))];
    },
    suspect(target) {
      suspects.set(target, node.env.clock.now() + SUSPECT_MS);
    },
  };

  const client: NameClient = {
    names,
    binder,
    async register(service, leaseMs = node.config.leaseMs) {
      const renew = () => names.register({ service, node: node.id, address: { host: node.config.host, port: node.port }, leaseMs });
      await renew();
      node.env.clock.setInterval(() => {
        renew().catch((error: Error) => node.log('register-failed', { service, error: error.message }));
      }, Math.max(50, leaseMs / 3));
      node.log('registered', { service, leaseMs });
    },
  };
  perNode.set(node, client);
  return client;
}
