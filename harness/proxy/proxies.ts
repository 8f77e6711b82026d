import { missingField, PopulateStopped, ProxyError, proxyAlreadyExists, proxyNotFound } from './errors.ts';
import { Proxy, type Toxic, type ToxicSpec } from './proxy.ts';
import { parseAddress, resolveAddress } from './address.ts';
import { randomSeed } from '../random.ts';
import type { Attributes } from './toxic.ts';
import { WireLog } from './wire-log.ts';
import { realProxyWorld, type ProxyWorld } from './world.ts';

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

  private readonly world: ProxyWorld;

  constructor(options: { seed?: number; world?: ProxyWorld } = {}) {
    this.seed = options.seed ?? randomSeed();
    this.world = options.world ?? realProxyWorld;
  }

  recordWire(): WireLog {
    return (this.wire ??= new WireLog(() => this.world.wireNow()));
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
    const proxy = new Proxy(spec.name, spec.listen || DEFAULT_LISTEN, spec.upstream, this.seed, this.world, () => this.wire);
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
   * Creates or updates the proxies of the list in order, as Toxiproxy does: every entry is first checked for its
   * name and upstream; then a proxy that exists and listens where the entry says (a host name counts by the
   * address it resolves to) keeps its connections and toxics, and one that differs is stopped and replaced. The
   * first entry that fails stops the populate: the proxies before it stay, and the error carries them.
   */
  async populate(specs: ProxySpec[]): Promise<Proxy[]> {
    specs.forEach((spec, i) => checkFields(spec, ` at proxy ${i + 1}`));
    const made: Proxy[] = [];
    try {
      for (const spec of specs) made.push(await this.addOrReplace(spec));
    } catch (error) {
      if (error instanceof ProxyError) throw new PopulateStopped(error, made);
      throw error;
    }
    return made;
  }

  /** Changing where it listens or its upstream restarts the proxy (dropping its connections); `enabled` cuts or heals. */
  async update(name: string, change: ProxyChange): Promise<Proxy> {
    const proxy = this.get(name);
    const listen = change.listen ?? proxy.listen;
    const upstream = change.upstream ?? proxy.upstream;
    const enabled = change.enabled ?? proxy.enabled;
    parseAddress(listen || DEFAULT_LISTEN, 'listen');
    parseAddress(upstream, 'upstream');
    if (await differs(proxy, listen || DEFAULT_LISTEN, upstream, false)) {
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

  private async addOrReplace(spec: ProxySpec): Promise<Proxy> {
    const existing = this.byName.get(spec.name);
    if (!existing) return this.create(spec);
    checkSpec(spec);
    if (!(await differs(existing, spec.listen || DEFAULT_LISTEN, spec.upstream, true))) {
      await this.setEnabled(existing, spec.enabled);
      return existing;
    }
    // Toxiproxy stops the old proxy first; if the new one cannot start, the old one stays, stopped.
    await existing.stop();
    const replacement = new Proxy(spec.name, spec.listen || DEFAULT_LISTEN, spec.upstream, this.seed, this.world);
    if (spec.enabled) await replacement.start();
    this.byName.set(spec.name, replacement);
    return replacement;
  }

  private async setEnabled(proxy: Proxy, enabled: boolean): Promise<void> {
    if (enabled) await proxy.start();
    else await proxy.stop();
  }
}

function checkFields(spec: ProxySpec, where = ''): void {
  if (!spec.name) throw missingField(`name${where}`);
  if (!spec.upstream) throw missingField(`upstream${where}`);
}

function checkSpec(spec: ProxySpec): void {
  checkFields(spec);
  parseAddress(spec.listen || DEFAULT_LISTEN, 'listen');
  parseAddress(spec.upstream, 'upstream');
}

/**
 * Whether `listen` and `upstream` ask for another proxy than `proxy` is: the listen address counts by what it
 * resolves to, so `localhost:P` is the proxy bound on 127.0.0.1:P. With `anyPort`, a requested port of 0 matches
 * whatever port the proxy bound (populate ensures a proxy exists; Toxiproxy would bind a new one).
 */
async function differs(proxy: Proxy, listen: string, upstream: string, anyPort: boolean): Promise<boolean> {
  if (upstream !== proxy.upstream) return true;
  if (listen === proxy.listen) return false;
  const [held, asked] = await Promise.all([resolveAddress(proxy.listen, 'listen'), resolveAddress(listen, 'listen')]);
  return held.host !== asked.host || (asked.port !== held.port && !(anyPort && asked.port === 0));
}
