import { missingField, proxyAlreadyExists, proxyNotFound } from './errors.ts';
import { Proxy, type Toxic, type ToxicSpec } from './proxy.ts';
import { parseAddress } from './address.ts';
import { randomSeed } from './random.ts';
import type { Attributes } from './toxic.ts';
import { WireLog } from './wire-log.ts';

export interface ProxySpec {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

export interface ProxyChange {
  listen?: string;
  upstream?: string;
  enabled?: boolean;
}

/** Where a proxy listens when no address is given: loopback, a free port. */
const DEFAULT_LISTEN = '127.0.0.1:0';

/**
 * Every proxy of one server, by name: the core that the HTTP API drives (and that knows nothing of HTTP).
 * `seed` keys every random draw (toxicity, jitter, frame decisions), so a run with the same seed and the same
 * order of connections replays the same faults.
 */
export class Proxies {
  readonly seed: number;
  private readonly byName = new Map<string, Proxy>();
  /** Every frame's passage, once asked for (`recordWire`): connections opened from then on are recorded. */
  wire: WireLog | undefined;

  constructor(options: { seed?: number } = {}) {
    this.seed = options.seed ?? randomSeed();
  }

  recordWire(): WireLog {
    return (this.wire ??= new WireLog());
  }

  list(): Proxy[] {
    return [...this.byName.values()];
  }

  get(name: string): Proxy {
    const proxy = this.byName.get(name);
    if (!proxy) throw proxyNotFound();
    return proxy;
  }

  async create(spec: ProxySpec): Promise<Proxy> {
    checkSpec(spec);
    if (this.byName.has(spec.name)) throw proxyAlreadyExists();
    const proxy = new Proxy(spec.name, spec.listen || DEFAULT_LISTEN, spec.upstream, this.seed, () => this.wire);
    // The name is taken before the listen completes, so that a concurrent create of it gets a conflict.
    this.byName.set(spec.name, proxy);
    try {
      if (spec.enabled) await proxy.start();
    } catch (error) {
      this.byName.delete(spec.name);
      throw error;
    }
    return proxy;
  }

  /**
   * Creates or updates every proxy of the list, all checked before any is touched. A proxy that exists with the
   * same listen and upstream keeps its connections and toxics; one that differs is replaced.
   */
  async populate(specs: ProxySpec[]): Promise<Proxy[]> {
    specs.forEach((spec, i) => checkSpec(spec, ` at proxy ${i + 1}`));
    const result: Proxy[] = [];
    for (const spec of specs) {
      const existing = this.byName.get(spec.name);
      if (existing && existing.upstream === spec.upstream && sameListen(existing.listen, spec.listen)) {
        await this.setEnabled(existing, spec.enabled);
        result.push(existing);
        continue;
      }
      if (existing) await this.remove(spec.name);
      result.push(await this.create(spec));
    }
    return result;
  }

  /** Changing the address or upstream restarts the proxy (dropping its connections); `enabled` cuts or heals. */
  async update(name: string, change: ProxyChange): Promise<Proxy> {
    const proxy = this.get(name);
    const listen = change.listen ?? proxy.listen;
    const upstream = change.upstream ?? proxy.upstream;
    const enabled = change.enabled ?? proxy.enabled;
    if (listen !== proxy.listen || upstream !== proxy.upstream) {
      parseAddress(listen || DEFAULT_LISTEN, 'listen');
      parseAddress(upstream, 'upstream');
      await proxy.stop();
      proxy.listen = listen || DEFAULT_LISTEN;
      proxy.upstream = upstream;
    }
    await this.setEnabled(proxy, enabled);
    return proxy;
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.byName.delete(name);
    await proxy.stop();
  }

  addToxic(proxyName: string, spec: ToxicSpec): Toxic {
    return this.get(proxyName).addToxic(spec);
  }

  updateToxic(proxyName: string, toxicName: string, change: { toxicity?: number; attributes?: Attributes }): Toxic {
    return this.get(proxyName).updateToxic(toxicName, change);
  }

  removeToxic(proxyName: string, toxicName: string): void {
    this.get(proxyName).removeToxic(toxicName);
  }

  /** Every proxy enabled again and every toxic removed; the proxies themselves stay. */
  async reset(): Promise<void> {
    for (const proxy of this.byName.values()) {
      await proxy.start();
      proxy.removeAllToxics();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.list().map((proxy) => proxy.stop()));
    this.byName.clear();
  }

  private async setEnabled(proxy: Proxy, enabled: boolean): Promise<void> {
    if (enabled) await proxy.start();
    else await proxy.stop();
  }
}

function checkSpec(spec: ProxySpec, where = ''): void {
  if (!spec.name) throw missingField(`name${where}`);
  if (!spec.upstream) throw missingField(`upstream${where}`);
  parseAddress(spec.listen || DEFAULT_LISTEN, 'listen');
  parseAddress(spec.upstream, 'upstream');
}

/** A requested listen of port 0 matches whatever port the proxy actually bound. */
function sameListen(bound: string, requested: string): boolean {
  if (bound === requested) return true;
  const b = parseAddress(bound, 'listen');
  const r = parseAddress(requested || DEFAULT_LISTEN, 'listen');
  return r.port === 0 && b.host === r.host;
}
