import type { Env } from '../../nodes/env/index.ts';
import { mixSeed, seededRandom, type Random } from '../../nodes/random.ts';
import { SimClock } from './clock.ts';
import { SimDisk, type PowerLoss } from './disk.ts';
import { SimNetwork, type NetView } from './network.ts';
import { Scheduler } from './scheduler.ts';

// A whole simulated world: one scheduler (virtual time), one network, a disk per host, and every random choice
// drawn from one seed. A host's environment is the nodes/ Env; a crash takes the host's memory (timers, sockets,
// open files) and, on a power loss, what its disk had not made durable. A restart is a fresh environment on the
// same disk.

export interface HostEnv {
  env: Env;
  /** The host died: nothing of this life runs any more. */
  crash(powerLoss?: PowerLoss | false): void;
  /** SIGSTOP and SIGCONT: frozen, the host runs nothing and holds what arrives for it. */
  pause(): void;
  resume(): void;
}

export class SimWorld {
  readonly scheduler = new Scheduler();
  readonly network: SimNetwork;
  private readonly disks = new Map<string, SimDisk>();
  private readonly lives = new Map<string, number>();

  constructor(readonly seed: number) {
    this.network = new SimNetwork(this.scheduler, this.random('network'));
  }

  /** A generator of its own for each named thing, from the world's seed. */
  random(name: string): Random {
    return seededRandom(mixSeed(this.seed, name));
  }

  disk(host: string): SimDisk {
    let disk = this.disks.get(host);
    if (!disk) this.disks.set(host, (disk = new SimDisk(this.random(`disk:${host}`))));
    return disk;
  }

  /** A new life of `host`: its own clock, network view and disk view; its disk outlives it. */
  host(host: string, logOutput?: (text: string) => void): HostEnv {
    const life = (this.lives.get(host) ?? 0) + 1;
    this.lives.set(host, life);
    const clock = new SimClock(this.scheduler);
    const net: NetView = this.network.view(host);
    const disk = this.disk(host);
    const random = this.random(`random:${host}:${life}`);
    const env: Env = { clock, net, disk: disk.view(), unseededRandom: () => random, ...(logOutput ? { logOutput } : {}) };
    return {
      env,
      pause: () => {
        clock.pause();
        net.freeze();
      },
      resume: () => {
        net.thaw();
        clock.resume();
      },
      crash: (powerLoss = false) => {
        clock.stop();
        net.stop();
        if (powerLoss) disk.powerLoss(powerLoss);
        else disk.processCrash();
      },
    };
  }
}
