const inFlight = new Set<Promise<unknown>>();

/** Keeps `work` counted until it settles, so that `flush()` can wait for it. */
export function track(work: Promise<unknown>): void {
  inFlight.add(work);
  const forget = () => inFlight.delete(work);
  work.then(forget, forget);
}

/**
 * Resolves once every trace being sent has been recorded or reported through `onError`, retries
 * included. Call it before a serverless host may freeze the process, e.g. before sending the response.
 */
export async function flush(): Promise<void> {
  // Sends may start while waiting (a run ending meanwhile), so wait until none is left.
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
}
