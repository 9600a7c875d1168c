import { interceptOutput } from "../../../support/functionLogs.js";

/** A firebase-functions structured log line of recordTrace (trace_rejected, traces_stored, …). */
const FUNCTION_LOG = /^\{.*"severity":"(?:DEBUG|INFO|WARNING|ERROR)","message":"traces?_[a-z_]+"\}\n?$/;

/**
 * Runs `work` without the log lines handleRecordTrace writes (thousands in a fuzz run); every other
 * output goes through.
 */
export async function withoutFunctionLogs<T>(work: () => Promise<T>): Promise<T> {
  return interceptOutput((chunk) => typeof chunk === "string" && FUNCTION_LOG.test(chunk), work);
}
