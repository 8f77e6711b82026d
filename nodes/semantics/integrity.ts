import { createHash } from 'node:crypto';

/** The digest a sender attaches to a body, so the receiver can tell whether it acted on what was sent. */
export function bodyDigest(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

export function isIntact(body: string, digest: string): boolean {
  return bodyDigest(body) === digest;
}
