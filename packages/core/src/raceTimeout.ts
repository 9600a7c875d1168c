/**
 * Settles as `promise` does, or, once `timeoutMs` have passed first, as `onTimeout` does (its value,
 * or its throw as a rejection). The timer is cleared either way; `promise` itself is not cancelled.
 */
export function raceTimeout<T, F>(promise: Promise<T>, timeoutMs: number, onTimeout: () => F): Promise<T | F> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<F>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error as Error);
      }
    }, timeoutMs);
  });
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}
