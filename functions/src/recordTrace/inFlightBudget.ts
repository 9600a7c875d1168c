/**
 * The request-body bytes one instance may hold in calls under way, at most. A call takes its body's
 * bytes before its traces are read and gives them back once the call and every write it started have
 * settled (a write can outlive its call's deadline: see withinDeadline). A call that does not fit
 * beside those under way is not queued: it is refused at once, to be retried (callAdmission.ts), so
 * what an instance holds stays bounded however many large calls arrive together.
 */
export class InFlightBudget {
  private held = 0;
  private calls = 0;

  constructor(readonly limitBytes: number) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes <= 0) throw new RangeError(`an in-flight budget must be a whole number of bytes above 0, got ${limitBytes}`);
  }

  /** The bytes the calls under way hold now. */
  get bytesInFlight(): number {
    return this.held;
  }

  /** The calls under way now. */
  get callsInFlight(): number {
    return this.calls;
  }

  /**
   * Takes `bytes` for a call when they fit beside what the calls under way hold, and returns the
   * function that gives them back (the first time it is called; later calls do nothing); returns
   * `undefined`, taking nothing, when they do not fit.
   */
  take(bytes: number): (() => void) | undefined {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`a call's size must be a whole number of bytes, got ${bytes}`);
    if (this.held + bytes > this.limitBytes) return undefined;
    this.held += bytes;
    this.calls++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= bytes;
      this.calls--;
    };
  }
}
