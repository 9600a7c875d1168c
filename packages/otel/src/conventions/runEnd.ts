import { errorMessage, isTimeout, STATUS_ERROR } from "../span/SpanLike.js";
import type { LastModelCall, RunEnd } from "./SpanConvention.js";

/**
 * What a run's last model call says of the run: it failed (`error`, or `timeout` when it timed out
 * or was aborted), or it was still open when the run ended (cut off: `timeout`). An earlier failed
 * call (a retried attempt) says nothing: a later one answered.
 */
export function lastModelCallEnd(last: LastModelCall | undefined): RunEnd | undefined {
  if (!last) return undefined;
  const { ended } = last;
  if (!ended) return { status: "timeout", message: `aborted: the run ended while its model call (${last.started.name}) was under way` };
  if (ended.status.code !== STATUS_ERROR) return undefined;
  return { status: isTimeout(ended) ? "timeout" : "error", message: errorMessage(ended) ?? `the model call (${ended.name}) failed` };
}
