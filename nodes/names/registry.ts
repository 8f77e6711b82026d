import type { Address } from '../config.ts';

// The name service's state: registrations with leases, addresses nodes registered, and the lab's links.

interface Registration {
  node: string;
  leaseUntil: number;
}

export class NameRegistry {
  private services = new Map<string, Map<string, Registration>>();
  private addresses = new Map<string, Address>();
  private links = new Map<string, Address>();

  constructor(private readonly now: () => number) {}

  register(service: string, node: string, leaseMs: number, address?: Address): number {
    let servers = this.services.get(service);
    if (!servers) this.services.set(service, (servers = new Map()));
    const now = this.now();
    servers.set(node, { node, leaseUntil: now + leaseMs });
    if (address) this.addresses.set(node, address);
    return now + leaseMs;
  }

  /** Live servers only: an expired lease (a dead or partitioned server) drops out. */
  lookup(service: string): string[] {
    const now = this.now();
    const live: Registration[] = [];
    for (const [node, registration] of this.services.get(service) ?? []) {
      if (registration.leaseUntil > now) live.push(registration);
      else this.services.get(service)!.delete(node);
    }
    return live.map((r) => r.node).sort();
  }

  resolve(asker: string, node: string): Address | undefined {
    return this.links.get(`${asker}->${node}`) ?? this.addresses.get(node);
  }

  setLinks(links: { from: string; to: string; host: string; port: number }[]): void {
    for (const link of links) this.links.set(`${link.from}->${link.to}`, { host: link.host, port: link.port });
  }
}
