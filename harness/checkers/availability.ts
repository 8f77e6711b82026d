import { cachedPairs } from '../history/pairs.ts';
import { percentile } from './percentile.ts';
import { decide, type CheckInput, type Checker, type Result } from './result.ts';

/** Figures need at least one op; availability has nothing to violate, it only measures. */
export const MIN_OPS_FOR_AVAILABILITY = 1;


const round = (value: number): number => Math.round(value * 1000) / 1000;

/**
 * How the system served its clients: ok / fail / info counts (an op never completed counts as info), the
 * latency of ok ops and their throughput over the history's span. Figures only: holds unless no op at all.
 */
export function checkAvailability(input: CheckInput): Result {
  const pairs = cachedPairs(input.history);
  const counts = { ok: 0, fail: 0, info: 0 };
  const latencies = new Float64Array(pairs.length);
  let latencyCount = 0;
  for (const pair of pairs) {
    counts[pair.outcome] += 1;
    if (pair.outcome === 'ok') latencies[latencyCount++] = pair.completion!.time - pair.invoke.time;
  }
  const okLatencies = latencies.subarray(0, latencyCount).sort();
  const first = input.history[0]?.time ?? 0;
  const last = input.history.at(-1)?.time ?? 0;
  const spanMs = Math.max(0, last - first);
  const stats = {
    ops: pairs.length,
    ok: counts.ok,
    fail: counts.fail,
    info: counts.info,
    okRatio: pairs.length > 0 ? round(counts.ok / pairs.length) : 0,
    latencyP50: round(percentile(okLatencies, 0.5)),
    latencyP90: round(percentile(okLatencies, 0.9)),
    latencyP99: round(percentile(okLatencies, 0.99)),
    latencyMax: round(latencyCount > 0 ? okLatencies[latencyCount - 1]! : 0),
    spanMs: round(spanMs),
    throughputOkPerSecond: spanMs > 0 ? round((counts.ok * 1000) / spanMs) : 0,
  };
  return decide(
    'availability',
    [],
    {
      enough: pairs.length >= MIN_OPS_FOR_AVAILABILITY,
      holds: `${stats.ok} ok, ${stats.fail} fail, ${stats.info} info of ${stats.ops} ops; ok latency p50 ${stats.latencyP50} ms, p99 ${stats.latencyP99} ms`,
      tooShort: 'no op in the history',
      violated: '',
    },
    stats,
  );
}

export const availability: Checker = {
  name: 'availability',
  summary: 'ok / fail / info counts, ok latency percentiles and throughput (figures only)',
  check: checkAvailability,
};
