import { describe, expect, it } from 'vitest';
import type { Lab } from '../../harness/lab.ts';
import { toxicKinds } from '../../harness/proxy/toxics/index.ts';
import * as api from '../../harness/scenario.ts';
import type { Fault } from '../../harness/scenario.ts';

/** A lab that only records the toxics a fault adds and removes, so helpers are checked without processes. */
function recordingLab(frameToxics: boolean) {
  const added: { link: string; name: string; type: string; stream: string; attributes: Record<string, unknown> }[] = [];
  const removed: string[] = [];
  const lab = {
    frameToxics,
    link: (link: string) => ({
      addToxic: async (toxic: { name: string; type: string; stream: string; attributes: Record<string, unknown> }) => {
        added.push({ link, ...toxic });
      },
      getToxic: async (name: string) => ({ remove: async () => void removed.push(name) }),
    }),
  } as unknown as Lab;
  return { lab, added, removed };
}

/** Every helper of the scenario API that puts a toxic on a link, with the parameters it needs. */
const toxicHelpers: Record<string, () => Fault> = {
  loseMessages: () => api.loseMessages('n1->n2'),
  loseReplies: () => api.loseReplies('n1->n2'),
  latency: () => api.latency('n1->n2', { ms: 50 }),
  partialMessages: () => api.partialMessages('n1->n2'),
  sliceMessages: () => api.sliceMessages('n1->n2'),
  corruptMessages: () => api.corruptMessages('n1->n2'),
  duplicateMessages: () => api.duplicateMessages('n1->n2'),
  reorderMessages: () => api.reorderMessages('n1->n2'),
  resetConnections: () => api.resetConnections('n1->n2'),
  stallConnections: () => api.stallConnections('n1->n2'),
  throttle: () => api.throttle('n1->n2', { kbPerSecond: 10 }),
  slowClose: () => api.slowClose('n1->n2', { delayMs: 50 }),
};

describe('fault helpers', () => {
  it('reach every toxic type the proxy offers', async () => {
    const used = new Set<string>();
    for (const frameToxics of [true, false]) {
      const { lab, added } = recordingLab(frameToxics);
      for (const make of Object.values(toxicHelpers)) await make().start(lab, 'w0');
      for (const toxic of added) used.add(toxic.type);
    }
    // `noop` changes nothing on the wire (a client library's placeholder): no fault needs it.
    const faults = [...toxicKinds.keys()].filter((type) => type !== 'noop');
    expect(faults.filter((type) => !used.has(type))).toEqual([]);
  });

  it('reorderMessages holds back the sender\'s frames with delay_frames and removes exactly its toxic', async () => {
    const { lab, added, removed } = recordingLab(true);
    const fault = api.reorderMessages('n1->n2', { probability: 0.3, window: 3, maxDelayMs: 200 });
    expect(fault.kind).toBe('reorder-messages');
    expect(fault.needs).toBe('frame-toxics');
    expect(fault.target).toEqual({ link: 'n1->n2', probability: 0.3, window: 3, maxDelayMs: 200 });
    await fault.start(lab, 'w4');
    expect(added).toEqual([
      { link: 'n1->n2', name: 'w4-reorder-messages', type: 'delay_frames', stream: 'upstream', toxicity: 1, attributes: { probability: 0.3, window: 3, max_delay: 200 } },
    ]);
    await fault.stop(lab, 'w4');
    expect(removed).toEqual(['w4-reorder-messages']);
  });

  it('every helper\'s attributes are valid for its toxic type', async () => {
    const { lab, added } = recordingLab(true);
    for (const make of Object.values(toxicHelpers)) await make().start(lab, 'w0');
    for (const toxic of added) {
      const kind = toxicKinds.get(toxic.type)!;
      expect(Object.keys(toxic.attributes).filter((name) => !(name in kind.attributes)), toxic.type).toEqual([]);
    }
  });
});
