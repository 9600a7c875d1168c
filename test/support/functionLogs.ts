/**
 * Runs `work` with every write to stdout and stderr handed to `intercept` first: a write it returns
 * true for is kept from the terminal, any other goes through.
 */
export async function interceptOutput<T>(intercept: (chunk: unknown) => boolean, work: () => Promise<T>): Promise<T> {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, index) => {
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      intercept(chunk) ? true : (originals[index] as (...args: unknown[]) => boolean).call(stream, chunk, ...rest)) as typeof stream.write;
  });
  try {
    return await work();
  } finally {
    streams.forEach((stream, index) => (stream.write = originals[index]!));
  }
}

/** The firebase-functions log lines `work` writes (one JSON entry per line on stdout or stderr), parsed and kept from the terminal. */
export async function loggedLines(work: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  await interceptOutput((chunk) => {
    for (const line of String(chunk).split("\n")) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  }, work);
  return lines;
}
