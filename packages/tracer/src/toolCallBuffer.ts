import { LIMITS, type ToolTraceInput } from "@agent-traces/core";

/**
 * The tool calls of one run, bounded while they are recorded: at most `capacity` (the number the
 * server stores), failed calls first, in the order they were made, the rest counted in `dropped`:
 * the calls the server's count limit would keep from the whole list (its byte budget then shortens
 * their inputs and outputs, and drops calls only when their names and keys alone do not fit), so a
 * run of any length holds a bounded amount of memory.
 */
export class ToolCallBuffer {
  private readonly calls: ToolTraceInput[] = [];
  private failed = 0;
  dropped = 0;

  constructor(private readonly capacity: number = LIMITS.maxToolTraces) {}

  add(call: ToolTraceInput): void {
    const isFailure = call.is_error === true;
    if (this.calls.length < this.capacity) {
      this.calls.push(call);
      if (isFailure) this.failed++;
      return;
    }
    this.dropped++;
    // Full: a failure takes the place of the latest success (the server keeps the earliest ones).
    if (!isFailure || this.failed === this.calls.length) return;
    let latestSuccess = this.calls.length - 1;
    while (this.calls[latestSuccess]!.is_error === true) latestSuccess--;
    this.calls.splice(latestSuccess, 1);
    this.calls.push(call);
    this.failed++;
  }

  toArray(): ToolTraceInput[] {
    return [...this.calls];
  }
}
