import { badRequestBody, invalidStream, invalidToxicType } from '../errors.ts';
import type { ProxyChange, ProxySpec } from '../proxies.ts';
import type { ToxicSpec } from '../proxy.ts';
import type { Attributes, AttributeSpec, StreamDirection, ToxicKind } from '../toxic.ts';
import { toxicKinds } from '../toxics/index.ts';

// Request bodies as Toxiproxy reads them: unknown fields are ignored, a field of the wrong JSON type is a
// "bad request body" with Go's wording, so that clients matching on messages see what they expect.

type Json = Record<string, unknown>;

export function parseJson(text: string): unknown {
  if (text.trim() === '') throw badRequestBody('EOF');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequestBody((error as Error).message);
  }
}

export function parseProxy(body: unknown, goType = 'toxiproxy.Proxy'): ProxySpec {
  const json = object(body, goType);
  return {
    name: optional(json, 'name', 'string', goType) ?? '',
    listen: optional(json, 'listen', 'string', goType) ?? '',
    upstream: optional(json, 'upstream', 'string', goType) ?? '',
    enabled: optional(json, 'enabled', 'boolean', goType) ?? true,
  };
}

export function parseProxies(body: unknown): ProxySpec[] {
  if (!Array.isArray(body)) throw cannotUnmarshal(jsonKind(body), 'Go value of type []toxiproxy.Proxy');
  return body.map((item) => parseProxy(item));
}

export function parseProxyChange(body: unknown): ProxyChange {
  const json = object(body, 'toxiproxy.Proxy');
  return {
    listen: optional(json, 'listen', 'string', 'toxiproxy.Proxy'),
    upstream: optional(json, 'upstream', 'string', 'toxiproxy.Proxy'),
    enabled: optional(json, 'enabled', 'boolean', 'toxiproxy.Proxy'),
  };
}

/** Checked in Toxiproxy's order: JSON, stream, type, then attributes. */
export function parseToxic(body: unknown): ToxicSpec {
  const goType = 'toxics.ToxicWrapper';
  const json = object(body, goType);
  const streamText = optional(json, 'stream', 'string', goType) ?? 'downstream';
  const type = optional(json, 'type', 'string', goType) ?? '';
  const name = optional(json, 'name', 'string', goType) || `${type}_${streamText}`;
  const toxicity = optional(json, 'toxicity', 'number', goType) ?? 1;
  const stream = streamText.toLowerCase();
  if (stream !== 'upstream' && stream !== 'downstream') throw invalidStream();
  const kind = toxicKinds.get(type);
  if (!kind) throw invalidToxicType();
  return { name, kind, stream: stream as StreamDirection, toxicity, attributes: parseAttributes(kind, json.attributes, true) };
}

/** Only what is given changes: attributes merge over the current ones, toxicity stays unless given. */
export function parseToxicChange(kind: ToxicKind, body: unknown): { toxicity?: number; attributes?: Attributes } {
  const json = object(body, 'toxics.ToxicWrapper');
  return {
    toxicity: optional(json, 'toxicity', 'number', 'toxics.ToxicWrapper'),
    attributes: json.attributes === undefined ? undefined : parseAttributes(kind, json.attributes, false),
  };
}

function parseAttributes(kind: ToxicKind, value: unknown, withDefaults: boolean): Attributes {
  const attributes: Attributes = {};
  const given = value === undefined || value === null ? {} : object(value, `${kind.type} attributes`);
  for (const [key, spec] of Object.entries(kind.attributes) as [string, AttributeSpec][]) {
    const raw = given[key];
    if (raw === undefined || raw === null) {
      if (withDefaults) attributes[key] = spec.default;
      continue;
    }
    attributes[key] = attributeValue(kind, key, spec, raw);
  }
  return attributes;
}

function attributeValue(kind: ToxicKind, key: string, spec: AttributeSpec, raw: unknown): number {
  const goType = spec.integer ? 'int64' : 'float64';
  const field = `Go struct field ${kind.type}.attributes.${key} of type ${goType}`;
  if (typeof raw !== 'number') throw cannotUnmarshal(jsonKind(raw), field);
  if (spec.integer && !Number.isInteger(raw)) throw cannotUnmarshal(`number ${raw}`, field);
  if (spec.min !== undefined && raw < spec.min) throw badRequestBody(`${key} must be at least ${spec.min}`);
  if (spec.max !== undefined && raw > spec.max) throw badRequestBody(`${key} must be at most ${spec.max}`);
  return raw;
}

function object(value: unknown, goType: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw cannotUnmarshal(jsonKind(value), `Go value of type ${goType}`);
  }
  return value as Json;
}

function optional<T extends 'string' | 'boolean' | 'number'>(
  json: Json,
  key: string,
  type: T,
  goType: string,
): (T extends 'string' ? string : T extends 'boolean' ? boolean : number) | undefined {
  const value = json[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) {
    const goField = type === 'string' ? 'string' : type === 'boolean' ? 'bool' : 'float32';
    throw cannotUnmarshal(jsonKind(value), `Go struct field ${goType}.${key} of type ${goField}`);
  }
  return value as never;
}

function cannotUnmarshal(what: string, into: string) {
  return badRequestBody(`json: cannot unmarshal ${what} into ${into}`);
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}
