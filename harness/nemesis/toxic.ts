import type { Lab } from '../lab.ts';
import type { Capability, Fault } from './fault.ts';

export type Stream = 'upstream' | 'downstream';

/** The toxic a fault puts on its link, in Toxiproxy's terms. */
export interface LinkToxic {
  type: string;
  stream: Stream;
  attributes: Record<string, unknown>;
  toxicity?: number;
}

/**
 * Adds a toxic to one link's proxy, named after the fault so that its stop removes exactly it.
 * Frame toxics are chaoslab's own types, which toxiproxy-node-client's typings do not list.
 */
async function addToxic(lab: Lab, link: string, name: string, { type, stream, attributes, toxicity = 1 }: LinkToxic): Promise<void> {
  await lab.link(link).addToxic({ name, type: type as never, stream, toxicity, attributes });
}

async function removeToxic(lab: Lab, link: string, name: string): Promise<void> {
  const toxic = await lab.link(link).getToxic(name);
  await toxic.remove();
}

/**
 * A fault that is one toxic on one direction of a link, the shape of most faults, declared once: its kind, the
 * parameters a scenario may leave out (with their values) and the toxic its parameters make on a given lab.
 * Returns what a scenario calls, `(link, params)`; faults.jsonl records the link and every parameter.
 */
export function toxicFault<Defaults extends object, Needed extends object = object>(definition: {
  kind: string;
  defaults: Defaults;
  needs?: Capability;
  toxic: (params: Defaults & Needed, lab: Lab) => LinkToxic;
}): (link: string, ...params: object extends Needed ? [Partial<Defaults>?] : [Needed & Partial<Defaults>]) => Fault {
  const { kind, needs } = definition;
  return (link, given = {}) => {
    const params = fill(definition.defaults, given) as Defaults & Needed;
    const toxicName = (id: string) => `${id}-${kind}`;
    return {
      kind,
      target: { link, ...params },
      needs,
      start: (lab, id) => addToxic(lab, link, toxicName(id), definition.toxic(params, lab)),
      stop: (lab, id) => removeToxic(lab, link, toxicName(id)),
    };
  };
}

/** The parameters a fault was given, each left out one with its default: the needed ones first, as declared. */
function fill(defaults: object, given: object): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) if (!(name in defaults)) params[name] = value;
  for (const [name, value] of Object.entries(defaults)) {
    const chosen = (given as Record<string, unknown>)[name];
    params[name] = chosen === undefined ? value : chosen;
  }
  return params;
}
