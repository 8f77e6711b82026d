import type { Lab } from '../lab.ts';
import type { Fault } from './fault.ts';

/** Disable a link's proxy: its connections close and new ones are refused, until the wire is healed. */
export function cutWire(link: string): Fault {
  return {
    kind: 'cut-wire',
    target: { link },
    start: (lab) => setLinkEnabled(lab, link, false),
    stop: (lab) => setLinkEnabled(lab, link, true),
  };
}

export async function setLinkEnabled(lab: Lab, link: string, enabled: boolean): Promise<void> {
  const proxy = lab.link(link);
  await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
}
