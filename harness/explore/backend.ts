/** Where explore's trials run: the simulator (the same node code on virtual time) or real node processes. */
export const exploreBackends = ['sim', 'process'] as const;
export type ExploreBackend = (typeof exploreBackends)[number];
