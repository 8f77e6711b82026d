/**
 * Everything chaoslab creates on the engine carries these labels, so that `chaoslab clean` finds it again after a
 * harness died without cleaning up (SIGKILL, power loss): nothing else ever removes it, Ryuk being off.
 */
export const LABEL = 'chaoslab';
export const RUN_LABEL = 'chaoslab.run';
/** The harness process that owns a run: a run whose owner is gone is a leftover. */
export const OWNER_LABEL = 'chaoslab.owner-pid';

export function runLabels(runId: string): Record<string, string> {
  return { [LABEL]: '1', [RUN_LABEL]: runId, [OWNER_LABEL]: String(process.pid) };
}

export function newRunId(): string {
  return `${Date.now().toString(36)}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
