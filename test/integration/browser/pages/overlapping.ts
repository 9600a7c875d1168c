/**
 * Overlapping runs in one page: `testApi.runOverlapping(count)` starts `count` traced runs at once,
 * each making 2 or 3 tool calls that await random short timers (a third of the runs failing in their
 * last call), and notes what `getCurrentTrace()` returned at the start of each callback and after
 * its awaits. Sends with sampleRate 1, so the server's own rate decides which successes it keeps.
 */
import { createTracer, getCurrentTrace, type RecordTraceResult, type TraceContext } from "@agent-traces/tracer";
import { connectFirebase, delay, expose, seededRandom, showStartError } from "./firebase.js";

export interface Observation {
  /** `run:start`, `run:after-await`, `tool_<n>:start`, `tool_<n>:after-await` */
  where: string;
  /** `getCurrentTrace()?.traceId` there, `null` for undefined. */
  current: string | null;
  /** The observation's place among all runs' observations: shows how the runs interleaved. */
  step: number;
}

export interface RunOutcome {
  index: number;
  traceId: string;
  toolCount: number;
  fails: boolean;
  /** What withTrace settled with: the run's output, or the error message it rethrew. */
  settled: { ok: true; value: string } | { ok: false; message: string };
  seen: Observation[];
  /** The run's `toTraceInput()` after withTrace settled. */
  traceInput: unknown;
}

export interface OverlappingResult {
  uid: string;
  outcomes: RunOutcome[];
  flushed: boolean;
  sent: RecordTraceResult[];
  errors: string[];
  stats: unknown;
}

/** Runs `index` fails in its last tool call when this holds: 0, 3, 6, ... (a third of them). */
export const failsAt = (index: number) => index % 3 === 0;
export const toolCountOf = (index: number) => (index % 2 === 0 ? 2 : 3);

try {
  const { functions, uid } = await connectFirebase();

  async function runOverlapping(count: number): Promise<OverlappingResult> {
    const sent: RecordTraceResult[] = [];
    const errors: string[] = [];
    const tracer = createTracer({ functions, sampleRate: 1, persist: false, onSent: (result) => sent.push(result), onError: (error) => errors.push(error.message) });
    const random = seededRandom(20);
    const wait = () => delay(Math.floor(random() * 15));
    let step = 0;

    const runOne = async (index: number): Promise<RunOutcome> => {
      const fails = failsAt(index);
      const toolCount = toolCountOf(index);
      const seen: Observation[] = [];
      const look = (where: string) => seen.push({ where, current: getCurrentTrace()?.traceId ?? null, step: step++ });
      let traced: TraceContext | undefined;
      const outcome = tracer.withTrace({ skill: "overlap", metadata: { run: index } }, async (trace) => {
        traced = trace;
        look("run:start");
        await wait();
        look("run:after-await");
        for (let call = 0; call < toolCount; call++) {
          trace.incrementIteration();
          await trace.tool(`tool_${call}`, { run: index, call }, async () => {
            look(`tool_${call}:start`);
            await wait();
            look(`tool_${call}:after-await`);
            await Promise.resolve();
            if (fails && call === toolCount - 1) throw new Error(`run ${index} failed in tool_${call}`);
            return `run ${index} call ${call} done`;
          });
        }
        trace.setOutput(`run ${index} answered`);
        return `run ${index} answered`;
      });
      const settled = await outcome.then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, message: error instanceof Error ? error.message : String(error) }),
      );
      return { index, traceId: traced!.traceId, toolCount, fails, settled, seen, traceInput: traced!.toTraceInput() };
    };

    // All started in the same task: every run's callbacks interleave with the others'.
    const outcomes = await Promise.all(Array.from({ length: count }, (_, index) => runOne(index)));
    // The whole retry window, with room for a loaded machine (the test's timeout allows for it).
    const flushed = await tracer.flush(150_000);
    return { uid, outcomes, flushed, sent, errors, stats: tracer.stats };
  }

  expose({ runOverlapping });
} catch (error) {
  showStartError(error);
}
