import { ChaoslabError, NotSent, Timeout } from '../errors.ts';

// RPC outcomes as types. Each says what the caller may conclude about whether the procedure ran: this is the
// fail/info split of a history (fail = certainly not executed; info = may or may not have been).

/** The call's deadline passed without a reply: it may or may not have run. */
export class CallTimeout extends Timeout {
  constructor(service: string, procedure: string, node: string, deadlineMs: number) {
    super(`${service}.${procedure} on node ${node}: no reply within the deadline of ${Math.round(deadlineMs)} ms`);
  }
}

/** No reply and no more transmissions (cap on attempts or time, or a lost connection): indeterminate, never "failed". */
export class CallGaveUp extends ChaoslabError {
  constructor(service: string, procedure: string, node: string, attempts: number, why: string) {
    super('gave-up', `${service}.${procedure} on node ${node}: no reply after ${attempts} attempts (${why}); may have run`);
  }
}

/** Every attempt failed to leave this node: the procedure certainly did not run. */
export class CallNotSent extends NotSent {
  constructor(service: string, procedure: string, nodes: string[], cause: string) {
    super(`${service}.${procedure}: could not reach ${nodes.length ? nodes.join(', ') : 'any server'} (${cause}); not executed`);
  }
}

/** No server is known for the service (name service has no live registration, no static target). */
export class NoServer extends NotSent {
  constructor(service: string, detail: string) {
    super(`no server for service ${service}: ${detail}`);
  }
}
