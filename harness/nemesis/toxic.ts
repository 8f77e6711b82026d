import type { Lab } from '../lab.ts';
import type { Capability } from './fault.ts';

export type Stream = 'upstream' | 'downstream';

/**
 * Adds a toxic to one link's proxy, named after the fault so that its stop removes exactly it.
 * Frame toxics are chaoslab's own types, which toxiproxy-node-client's typings do not list.
 */
export async function addToxic(
  lab: Lab,
  link: string,
  name: string,
  type: string,
  stream: Stream,
  attributes: Record<string, unknown>,
  toxicity = 1,
): Promise<void> {
  await lab.link(link).addToxic({ name, type: type as never, stream, toxicity, attributes });
}

export async function removeToxic(lab: Lab, link: string, name: string): Promise<void> {
  const toxic = await lab.link(link).getToxic(name);
  await toxic.remove();
}

/** A toxic on one direction of one link: the shape of most faults. */
export function toxicFault(options: {
  kind: string;
  link: string;
  stream: Stream;
  target: Record<string, unknown>;
  needs?: Capability;
  toxic: (lab: Lab) => { type: string; attributes: Record<string, unknown>; toxicity?: number };
}) {
  const toxicName = (id: string) => `${id}-${options.kind}`;
  return {
    kind: options.kind,
    target: { link: options.link, ...options.target },
    needs: options.needs,
    async start(lab: Lab, id: string) {
      const { type, attributes, toxicity } = options.toxic(lab);
      await addToxic(lab, options.link, toxicName(id), type, options.stream, attributes, toxicity);
    },
    async stop(lab: Lab, id: string) {
      await removeToxic(lab, options.link, toxicName(id));
    },
  };
}
