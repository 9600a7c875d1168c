import type { EnhancedGenerateContentResponse, GenerateContentStreamResult, UsageMetadata } from "firebase/ai";

/** A streamed model turn as the SDK's chat sees it internally: its result and the first chunk it peeked at. */
type StreamTurn = GenerateContentStreamResult & { firstValue?: { usageMetadata?: UsageMetadata } };

/**
 * Reads a streamed turn to its end in the background and tells `onEnd` its last `usageMetadata`
 * (the SDK's aggregated `response` drops it), whether or not anyone reads the stream. The returned
 * turn's stream yields the same chunks (and its error), and its response resolves after `onEnd`.
 */
export function observeStreamUsage<T extends StreamTurn>(turn: T, onEnd: (usage: UsageMetadata | undefined) => void): T {
  const chunks: EnhancedGenerateContentResponse[] = [];
  let usage = turn.firstValue?.usageMetadata;
  let finished = false;
  let failure: { error: unknown } | undefined;
  let wake: () => void = () => undefined;
  const drained = (async () => {
    try {
      for await (const chunk of turn.stream) {
        chunks.push(chunk);
        usage = chunk.usageMetadata ?? usage;
        wake();
      }
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      onEnd(usage);
      wake();
    }
  })();
  async function* replay(): AsyncGenerator<EnhancedGenerateContentResponse> {
    for (let index = 0; ; index++) {
      while (index >= chunks.length && !finished) await new Promise<void>((resolve) => (wake = resolve));
      if (index < chunks.length) yield chunks[index]!;
      else if (failure) throw failure.error;
      else return;
    }
  }
  // The turn's response waits for its usage, so that a run ending right after it still counts the tokens.
  return { ...turn, stream: replay(), response: turn.response.then(async (response) => (await drained, response)) };
}
