import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, type ErrorCodeDecl } from '../../nodes/error-codes.ts';
import { LOG_EVENTS } from '../../nodes/log-events.ts';
import { REQUEST_TYPES } from '../../nodes/wire/messages.ts';

// The tables of docs/PROTOCOL.md that are written from the registries the node uses: the request types
// (nodes/wire/messages.ts), the log events (nodes/log-events.ts) and the error codes (nodes/error-codes.ts). `npx tsx test/protocol/doc-tables.ts`
// rewrites them in place; test/protocol/docs.test.ts fails while the file differs from what this writes.

export const PROTOCOL_MD = fileURLToPath(new URL('../../docs/PROTOCOL.md', import.meta.url));

const cell = (text: string) => text.replace(/\|/g, '\\|');

function requestTypesTable(): string {
  const rows = Object.entries(REQUEST_TYPES).map(([type, { servedBy, doc }]) => `| \`${type}\` | ${cell(doc)} | ${cell(servedBy)} |`);
  return ['| type | what it asks | served by |', '|---|---|---|', ...rows].join('\n');
}

function logEventsTable(): string {
  const rows = Object.entries(LOG_EVENTS).map(([event, { from, fields, doc }]) => {
    const names = fields.map((field) => `\`${field}\``).join(', ');
    return `| \`${event}\` | ${cell(doc)} | ${names || '-'} | ${cell(from)} |`;
  });
  return ['| event | when | fields | logged by |', '|---|---|---|---|', ...rows].join('\n');
}

/** What a history records for a call that ended with a code: `fail` only when it certainly did not run. */
export function historyOf(decl: ErrorCodeDecl): 'ok' | 'fail' | 'info' {
  if (decl.definite) return 'fail';
  return decl.provesRan ? 'ok' : 'info';
}

/** The codes from one source; with the history column for the codes that end a call (RPC replies). */
function errorCodesTable(from: ErrorCodeDecl['from'], withHistory: boolean): string {
  const rows = Object.entries(ERROR_CODES as Record<string, ErrorCodeDecl>)
    .filter(([, decl]) => decl.from === from)
    .map(([code, decl]) => `| \`${code}\` | ${cell(decl.doc)} | ${decl.definite ? 'yes' : 'no'} |${withHistory ? ` \`${historyOf(decl)}\` |` : ''}`);
  const head = withHistory ? ['| code | sent when | definite | history |', '|---|---|---|---|'] : ['| code | sent when | definite |', '|---|---|---|'];
  return [...head, ...rows].join('\n');
}

/** Generated blocks by name: what sits between `<!-- generated:NAME -->` and `<!-- end generated:NAME -->`. */
export const GENERATED: Record<string, () => string> = {
  'request-types': requestTypesTable,
  'log-events': logEventsTable,
  'node-error-codes': () => errorCodesTable('node', false),
  'reply-error-codes': () => errorCodesTable('rpc', true),
};

/** The document with every generated block rewritten; throws if a block's markers are missing. */
export function withGeneratedTables(markdown: string): string {
  return withGeneratedBlocks(markdown, GENERATED, { doc: 'docs/PROTOCOL.md', script: 'test/protocol/doc-tables.ts' });
}

/**
 * `markdown` with each block of `blocks` rewritten between its markers, which name the script that rewrites
 * them; throws if a block's markers are missing.
 */
export function withGeneratedBlocks(markdown: string, blocks: Record<string, () => string>, where: { doc: string; script: string }): string {
  let text = markdown;
  for (const [name, render] of Object.entries(blocks)) {
    const begin = `<!-- generated:${name} (from the registry; rewrite with npx tsx ${where.script}) -->`;
    const end = `<!-- end generated:${name} -->`;
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`${where.doc}: markers of the generated block '${name}' are missing`);
    text = `${text.slice(0, from + begin.length)}\n${render()}\n${text.slice(to)}`;
  }
  return text;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(PROTOCOL_MD, withGeneratedTables(readFileSync(PROTOCOL_MD, 'utf8')));
}
