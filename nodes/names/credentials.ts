import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Node } from '../node.ts';

// Identities and permissions are part of a node's configuration (`security`): every participant holds a
// credential = hex HMAC-SHA256(labKey, identity), which it sends in its hello. A node with `security` refuses a
// connection whose credential does not match the identity it claims, and serves a service only to the
// identities in `acl[service]`. "harness" is the harness's own identity.

export const HARNESS_IDENTITY = 'harness';

export function credentialFor(labKey: string, identity: string): string {
  return createHmac('sha256', labKey).update(identity, 'utf8').digest('hex');
}

export function isValidCredential(labKey: string, identity: string, credential: string | undefined): boolean {
  if (!credential) return false;
  const expected = Buffer.from(credentialFor(labKey, identity), 'hex');
  const given = Buffer.from(credential, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const secured = new WeakSet<Node>();

/** Install the credential check on a node that has `security` (once; a no-op without it). */
export function secureNode(node: Node): void {
  const security = node.config.security;
  if (!security || secured.has(node)) return;
  secured.add(node);
  node.setAuthenticator((hello) =>
    isValidCredential(security.labKey, hello.node, hello.credential)
      ? { identity: hello.node }
      : new Error(`credential of '${hello.node}' is ${hello.credential ? 'forged' : 'missing'}`),
  );
}

/** Whether `identity` may call `service` on this node: always without `security`, else per its access list ('*' = any authenticated identity). */
export function isPermitted(node: Node, service: string, identity: string): boolean {
  const security = node.config.security;
  if (!security) return true;
  const allowed = security.acl[service] ?? [];
  return allowed.includes(identity) || allowed.includes('*');
}
