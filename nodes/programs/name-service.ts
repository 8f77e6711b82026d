import { NameRegistry } from '../names/registry.ts';
import { namesService } from '../names/service.ts';
import { isPermitted } from '../names/credentials.ts';
import { serveService } from '../rpc/server.ts';
import { ServiceError } from '../rpc/service.ts';
import { registerProgram } from './index.ts';

// Program `name-service`: the lab's binding point (service -> servers, node -> address per asking node).
// Its state is soft: servers re-register within a lease, and the lab sets the links again after a restart.

registerProgram('name-service', async (node) => {
  const registry = new NameRegistry(() => node.env.clock.now());
  await serveService(
    node,
    namesService,
    {
      register: ({ service, node: server, address, leaseMs }) => ({ ok: true as const, leaseUntil: registry.register(service, server, leaseMs, address) }),
      lookup: ({ service }, call) => {
        if (!isPermitted(node, service, call.caller)) throw new ServiceError('permission-denied', `${call.caller} may not look up ${service}`);
        return { nodes: registry.lookup(service) };
      },
      resolve: ({ node: target }, call) => {
        const address = registry.resolve(call.caller, target);
        if (!address) throw new ServiceError('unknown-node', `no address known for node ${target}`);
        return address;
      },
      setLinks: ({ links }) => {
        registry.setLinks(links);
        return { ok: true as const, links: links.length };
      },
    },
    { semantics: false, workers: Math.max(8, node.config.workers) },
  );
});
