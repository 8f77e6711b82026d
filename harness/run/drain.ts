import type { Execution, WireRecord } from '../history/index.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import type { Lab } from '../lab.ts';
import type { Scenario } from '../scenario.ts';
import { nodesWithRole } from './lab-nodes.ts';
import { logService } from '../../nodes/programs/log.ts';
import { workloadService } from '../../nodes/programs/client.ts';
import { sleep } from '../../nodes/time.ts';

/** The ground truth unchanged this long, with no message left in flight anywhere, means the run has drained. */
const SETTLED_MS = 100;
/**
 * The ground truth unchanged this long means drained even with messages still held somewhere (a mailbox nobody
 * reads, a sender that retries until its give-up time): longer than the slowest retransmission interval.
 */
const QUIET_MS = 2_500;
const DRAIN_LIMIT_MS = 20_000;

/**
 * Reads the ground truth from every node that keeps a log once in-flight work has landed: retransmissions
 * (client nodes' unsettled messages) and deliveries (messages queued or leased in consumers' mailboxes) that
 * were still under way when the faults healed.
 */
export async function drainExecutions(lab: Lab, scenario: Scenario, recorder: HistoryRecorder): Promise<Execution[]> {
  const logNodes = nodesWithRole(scenario, 'log', 'consumer');
  const clients = nodesWithRole(scenario, 'client');
  const consumers = nodesWithRole(scenario, 'consumer');
  // Logs only grow: each read fetches what was appended since the last one.
  const logs = new Map(logNodes.map((node) => [node, [] as Execution[]]));
  const readAll = async () => {
    await Promise.all(logNodes.map(async (node) => logs.get(node)!.push(...(await readLog(lab, node, recorder, logs.get(node)!.length)))));
    return [...logs.values()].flat();
  };
  const { world } = lab;
  const deadline = world.monotonic() + DRAIN_LIMIT_MS;
  let last = -1;
  let stableSince = world.monotonic();
  for (;;) {
    const executions = await readAll();
    const now = world.monotonic();
    if (executions.length !== last) {
      last = executions.length;
      stableSince = now;
    } else {
      const quiet = now - stableSince;
      const drained =
        quiet >= QUIET_MS ||
        now >= deadline ||
        (quiet >= SETTLED_MS && (await nothingInFlight(lab, clients, consumers)) && (await readAll()).length === last);
      if (drained) return executions.sort((a, b) => a.time - b.time);
    }
    await sleep(world.env.clock, 25);
  }
}

/** No client node is still retransmitting and no consumer has a message waiting or leased. */
async function nothingInFlight(lab: Lab, clients: string[], consumers: string[]): Promise<boolean> {
  try {
    const senders = await Promise.all(clients.map((node) => lab.stub(node, workloadService).unsettled({})));
    if (senders.some((sender) => sender.unsettled > 0)) return false;
    const mailboxes = await Promise.all(consumers.map((node) => lab.mailboxes(node)));
    return mailboxes.every((boxes) => Object.values(boxes).every((box) => box.queued + box.leased === 0));
  } catch {
    return false; // a node that does not answer may still hold work
  }
}

/** The proxy's record of every frame, on the run's clock (none when the proxy is a real Toxiproxy). */
export async function readWire(lab: Lab, recorder: HistoryRecorder): Promise<{ events: WireRecord[]; truncated: boolean } | undefined> {
  const wire = await lab.wire();
  if (!wire) return undefined;
  const events = wire.events.map((event) => ({ ...event, time: Math.round(recorder.fromHighResolutionEpoch(event.time) * 1000) / 1000 }));
  return { events, truncated: wire.truncated };
}

/** A node's executions from `offset` on. */
async function readLog(lab: Lab, node: string, recorder: HistoryRecorder, offset: number): Promise<Execution[]> {
  const log = lab.stub(node, logService);
  const executions: Execution[] = [];
  for (;;) {
    const page = await log.read({ offset: offset + executions.length });
    executions.push(...page.executions);
    if (page.executions.length === 0 || offset + executions.length >= page.total) break;
  }
  // Nodes stamp wall-clock epoch ms; the history's time line starts at the run's start.
  return executions.map((execution) => ({
    ...execution,
    time: recorder.fromEpoch(execution.time),
    ...(execution.takenAt !== undefined ? { takenAt: recorder.fromEpoch(execution.takenAt) } : {}),
    ...(execution.leaseUntil !== undefined ? { leaseUntil: recorder.fromEpoch(execution.leaseUntil) } : {}),
  }));
}
