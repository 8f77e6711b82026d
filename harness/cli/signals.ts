/** Exit status 128 + the signal's number. SIGHUP too: a closed terminal window must not leave nodes running. */
const SIGNALS = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof SIGNALS;

/**
 * For a command that runs labs: on SIGHUP, SIGINT or SIGTERM every lab still running or starting is stopped (its
 * nodes and proxies) before the process exits. Returns the function that takes the handlers off again.
 */
export function stopLabsOnSignals(closeActiveLabs: () => Promise<void>): () => void {
  const stop = (signal: StopSignal) => {
    // After SIGHUP the terminal is gone, and writing to it would fail.
    if (signal !== 'SIGHUP') process.stderr.write(`\n${signal}: stopping every node and proxy...\n`);
    // Set now: should the loop run dry while labs are closing (no handle left to wait on), Node exits with this
    // code instead of 13, its "unsettled top-level await".
    process.exitCode = SIGNALS[signal];
    void closeActiveLabs().finally(() => process.exit(SIGNALS[signal]));
  };
  const signals = Object.keys(SIGNALS) as StopSignal[];
  for (const signal of signals) process.once(signal, stop);
  return () => {
    for (const signal of signals) process.off(signal, stop);
  };
}
