import { logger } from "firebase-functions";

/** Every log event the functions write, named in one place so they can be found in Cloud Logging. */
export const logs = {
  traceStored(traceId: string, reason: string, toolTracesDropped: number): void {
    logger.info("trace_stored", { trace_id: traceId, reason, tool_traces_dropped: toolTracesDropped });
  },
  traceSampledOut(traceId: string): void {
    logger.debug("trace_sampled_out", { trace_id: traceId });
  },
  traceDuplicate(traceId: string): void {
    logger.info("trace_duplicate", { trace_id: traceId });
  },
  traceRejected(fields: string[], uid: string | undefined): void {
    logger.warn("trace_rejected", { fields, uid });
  },
  traceWriteFailed(traceId: string, error: unknown): void {
    logger.error("trace_write_failed", { trace_id: traceId, error: String(error) });
  },
};
