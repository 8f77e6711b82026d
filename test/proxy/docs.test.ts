import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toxicKinds } from '../../harness/proxy/toxics/index.ts';

const doc = readFileSync(new URL('../../docs/PROXY.md', import.meta.url), 'utf8');

/** The toxic tables of docs/PROXY.md: first column a type in backquotes, second its attributes. */
const documented = new Map(
  [...doc.matchAll(/^\| `([a-z_]+)` \| ([^|]*) \|/gm)].map((match) => [match[1]!, match[2]!] as const),
);

describe('docs/PROXY.md against the toxic registry', () => {
  it('documents every toxic type the server knows, and no other, with each of its attributes', () => {
    expect([...documented.keys()].sort()).toEqual([...toxicKinds.keys()].sort());
    for (const [type, kind] of toxicKinds) {
      for (const attribute of Object.keys(kind.attributes)) expect(documented.get(type), type).toContain(`\`${attribute}\``);
    }
  });
});
