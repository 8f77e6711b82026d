import type { Lab } from '../lab.ts';
import { setLinkEnabled } from './cut-wire.ts';
import type { Fault } from './fault.ts';

/** Cut every link, both directions, between nodes of different groups; links inside a group stay up. */
export function partition(groups: string[][]): Fault {
  const crossing = (lab: Lab) => {
    const groupOf = new Map(groups.flatMap((group, i) => group.map((node) => [node, i] as const)));
    return lab.nodeNames.flatMap((from) =>
      lab.nodeNames
        .filter((to) => to !== from && groupOf.has(from) && groupOf.has(to) && groupOf.get(from) !== groupOf.get(to))
        .map((to) => `${from}->${to}`),
    );
  };
  return {
    kind: 'partition',
    target: { groups },
    start: async (lab) => {
      await Promise.all(crossing(lab).map((link) => setLinkEnabled(lab, link, false)));
    },
    stop: async (lab) => {
      await Promise.all(crossing(lab).map((link) => setLinkEnabled(lab, link, true)));
    },
  };
}
