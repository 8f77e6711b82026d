import type { Proxy } from './proxy.ts';

/**
 * What went wrong, in the core's own words. The core knows no HTTP: the API layer maps each kind to Toxiproxy's
 * status code, and the message is the text Toxiproxy puts in its error body.
 */
export type ProxyErrorKind = 'bad-request' | 'not-found' | 'conflict' | 'internal';

export class ProxyError extends Error {
  constructor(
    readonly kind: ProxyErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

export const proxyNotFound = () => new ProxyError('not-found', 'proxy not found');
export const proxyAlreadyExists = () => new ProxyError('conflict', 'proxy already exists');
export const toxicNotFound = () => new ProxyError('not-found', 'toxic not found');
export const toxicAlreadyExists = () => new ProxyError('conflict', 'toxic already exists');
export const invalidToxicType = () => new ProxyError('bad-request', 'invalid toxic type');
export const invalidStream = () =>
  new ProxyError('bad-request', 'stream was invalid, can be either upstream or downstream');
export const missingField = (what: string) => new ProxyError('bad-request', `missing required field: ${what}`);
export const badRequestBody = (why: string) => new ProxyError('bad-request', `bad request body: ${why}`);

/** A populate stopped at a bad proxy; Toxiproxy answers with the error and the proxies made before it. */
export class PopulateStopped extends ProxyError {
  constructor(
    cause: ProxyError,
    readonly made: readonly Proxy[],
  ) {
    super(cause.kind, cause.message);
  }
}
