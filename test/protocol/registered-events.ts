import { expect } from 'vitest';
import { fieldName, LOG_EVENTS } from '../../nodes/log-events.ts';
import type { LogLine } from '../helpers/node-process.ts';

// What a node really logged, held against the registry the docs are written from: every event registered, every
// field registered for its event, every field without `?` present.

const HEADER = new Set(['ts', 'node', 'event']);

export function unregisteredLogging(lines: LogLine[]): string[] {
  const problems = new Set<string>();
  for (const line of lines) {
    const spec = (LOG_EVENTS as Record<string, { fields: readonly string[] }>)[line.event];
    if (!spec) {
      problems.add(`event '${line.event}' is not in nodes/log-events.ts`);
      continue;
    }
    const known = new Set(spec.fields.map(fieldName));
    for (const field of Object.keys(line)) {
      if (!HEADER.has(field) && !known.has(field)) problems.add(`event '${line.event}' has field '${field}', not registered`);
    }
    for (const field of spec.fields) {
      if (!field.endsWith('?') && !(field in line)) problems.add(`event '${line.event}' lacks its field '${field}'`);
    }
  }
  return [...problems];
}

/** Every line conforms; `expected` events must be among them (so an empty log cannot pass). */
export function expectRegisteredLogging(lines: LogLine[], expected: string[]): void {
  expect(unregisteredLogging(lines)).toEqual([]);
  const seen = new Set(lines.map((line) => line.event));
  expect(expected.filter((event) => !seen.has(event))).toEqual([]);
}
