import type { Proxy, Toxic } from '../proxy.ts';

// The JSON shapes Toxiproxy answers with, fields in its order. Frame-aware toxics carry `frame_aware: true`,
// the one field a real Toxiproxy never sends.

export function renderToxic(toxic: Toxic): Record<string, unknown> {
  return {
    attributes: toxic.attributes,
    name: toxic.name,
    type: toxic.kind.type,
    stream: toxic.stream,
    toxicity: toxic.toxicity,
    ...(toxic.kind.frameAware ? { frame_aware: true } : {}),
  };
}

export function renderProxy(proxy: Proxy): Record<string, unknown> {
  return {
    name: proxy.name,
    listen: proxy.listen,
    upstream: proxy.upstream,
    enabled: proxy.enabled,
    toxics: proxy.toxics.map(renderToxic),
  };
}
