/** A firebase-functions structured log line of recordTrace (trace_rejected, traces_stored, …). */
const FUNCTION_LOG = /^\{.*"severity":"(?:DEBUG|INFO|WARNING|ERROR)","message":"traces?_[a-z_]+"\}\n?$/;

/**
 * Runs `work` without the one log line per call that handleRecordTrace writes (thousands in a fuzz
 * run); every other output goes through.
 */
export async function withoutFunctionLogs<T>(work: () => Promise<T>): Promise<T> {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, index) => {
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      typeof chunk === "string" && FUNCTION_LOG.test(chunk) ? true : (originals[index] as (...args: unknown[]) => boolean).call(stream, chunk, ...rest)) as typeof stream.write;
  });
  try {
    return await work();
  } finally {
    streams.forEach((stream, index) => (stream.write = originals[index]!));
  }
}
