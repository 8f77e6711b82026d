import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCodeDecl } from '../../nodes/error-codes.ts';
import { LOG_EVENTS } from '../../nodes/log-events.ts';
import { REQUEST_TYPES } from '../../nodes/wire/messages.ts';
import { PROTOCOL_MD, withGeneratedTables } from './doc-tables.ts';
import { unregisteredLogging } from './registered-events.ts';

// docs/PROTOCOL.md's tables of request types, log events and error codes are written from the registries the node
// uses; this fails when someone edits a registry without rewriting the doc (npx tsx test/protocol/doc-tables.ts) or edits
// the generated tables by hand.

describe('docs/PROTOCOL.md is current with the registries', () => {
  const doc = readFileSync(PROTOCOL_MD, 'utf8');

  it('the generated tables are what the registries give', () => {
    expect(doc).toBe(withGeneratedTables(doc));
  });

  it('each registered request type and log event has its row', () => {
    for (const type of Object.keys(REQUEST_TYPES)) expect(doc).toContain(`| \`${type}\` |`);
    for (const event of Object.keys(LOG_EVENTS)) expect(doc).toContain(`| \`${event}\` |`);
  });

  it('a drifted table is noticed', () => {
    const drifted = doc.replace('| `listening` |', '| `listening-now` |');
    expect(drifted).not.toBe(doc);
    expect(withGeneratedTables(drifted)).not.toBe(drifted);
  });

  it('every error code of the registry has its row, and a drifted error table is noticed', () => {
    // The caller's own codes are in the hand-written table of error classes, as its second column.
    for (const [code, { from }] of Object.entries(ERROR_CODES)) expect(doc).toMatch(from === 'caller' ? new RegExp(`\\| \`${code}\` +\\|`) : new RegExp(`^\\| \`${code}\` \\|`, 'm'));
    const drifted = doc.replace('| `overloaded` | refused before running: the service\'s call queue is full | yes | `fail` |', '| `overloaded` | refused before running | no | `info` |');
    expect(drifted).not.toBe(doc);
    expect(withGeneratedTables(drifted)).toBe(doc);
  });
});

describe('docs/SEMANTICS.md lists the outcomes the registry gives', () => {
  const semantics = readFileSync(fileURLToPath(new URL('../../docs/SEMANTICS.md', import.meta.url)), 'utf8');
  const codesIn = (text: string) => [...text.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]).sort();
  const codesWhere = (keep: (decl: ErrorCodeDecl) => boolean) =>
    Object.entries(ERROR_CODES as Record<string, ErrorCodeDecl>)
      .filter(([, decl]) => keep(decl))
      .map(([code]) => code)
      .sort();

  it("the history table's server refusals recorded as fail are the definite reply codes", () => {
    const row = semantics.split('\n').find((line) => line.startsWith('| certainly not run:'));
    const refusals = /refused by the server before running \(([^)]*)\)/.exec(row ?? '')?.[1];
    expect(refusals, 'the row of certainly-not-run outcomes with its list of codes').toBeDefined();
    expect(codesIn(refusals!)).toEqual(codesWhere((decl) => decl.from === 'rpc' && decl.definite));
    expect(row!.endsWith('| `fail` |')).toBe(true);
  });

  it("the history table's ok for a settled copy is the code that proves the call ran", () => {
    const row = semantics.split('\n').find((line) => line.includes('the receiver answers'));
    expect(codesIn(row!.split('|')[1]!)).toEqual(codesWhere((decl) => decl.provesRan === true));
  });
});

describe('the request types the node program serves are the registered ones', () => {
  const nodesDir = fileURLToPath(new URL('../../nodes', import.meta.url));
  const sources = (readdirSync(nodesDir, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts')).map((file) => readFileSync(join(nodesDir, file), 'utf8'));

  it('every type a module of nodes/ serves or gives a schema is in REQUEST_TYPES', () => {
    const used = sources.flatMap((source) => [...source.matchAll(/\.handle\(\s*'([^']+)'|registerMessage\(\s*'([^']+)'/g)].map((m) => m[1] ?? m[2]));
    expect(used).toEqual(expect.arrayContaining(['call', 'node-send', 'node-receive-burst']));
    expect(used.filter((type) => !Object.hasOwn(REQUEST_TYPES, type!))).toEqual([]);
  });
});

describe('what a node logged, against the registry', () => {
  const line = (event: string, fields: object) => ({ ts: 1, node: 'n', event, ...fields });

  it('a registered line passes', () => {
    expect(unregisteredLogging([line('listening', { port: 1, host: 'h' }), line('ack', { id: {}, stage: 'remote', duplicate: true })])).toEqual([]);
  });

  it('an unknown event, an unknown field and a missing field are each reported', () => {
    expect(unregisteredLogging([line('no-such-event', {}), line('listening', { port: 1, host: 'h', extra: 1 }), line('take', { id: {}, mbox: 'm', receiver: 'r' })])).toEqual([
      "event 'no-such-event' is not in nodes/log-events.ts",
      "event 'listening' has field 'extra', not registered",
      "event 'take' lacks its field 'delivery'",
    ]);
  });
});
