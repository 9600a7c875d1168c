import { strict as assert } from "node:assert";
import { setTimeout as sleep } from "node:timers/promises";
import { FunctionsError } from "firebase/functions";
import {
  cutText,
  decideRecording,
  LIMITS,
  RETRYABLE_CODES,
  sanitizeTrace,
  TraceIdRatioBasedSampler,
  validateTrace,
  type SanitizedTrace,
} from "@agent-traces/core";
import {
  createToolTrace,
  flush,
  getCurrentTrace,
  isRetryableError,
  TraceSendError,
  withTrace,
  type RecordTraceResult,
  type TraceExporter,
  type WithTraceOptions,
} from "@agent-traces/tracer";
import { backoffDelay } from "../../packages/tracer/src/export/retry.js";

/**
 * Keeps what it is sent; `behave` may delay or fail an attempt (numbered from 1 for each trace):
 * a batch fails as a whole when it fails for any of its traces.
 */
class InMemoryExporter implements TraceExporter {
  readonly sent: SanitizedTrace[] = [];
  readonly attemptTimes: number[] = [];
  readonly batches: number[] = [];
  private readonly attemptsByTrace = new Map<string, number>();
  constructor(private readonly behave?: (attempt: number, trace: SanitizedTrace) => Promise<void> | void) {}

  async export(traces: readonly SanitizedTrace[]): Promise<RecordTraceResult[]> {
    this.attemptTimes.push(performance.now());
    this.batches.push(traces.length);
    await Promise.all(
      traces.map((trace) => {
        const attempt = (this.attemptsByTrace.get(trace.trace_id) ?? 0) + 1;
        this.attemptsByTrace.set(trace.trace_id, attempt);
        return this.behave?.(attempt, trace);
      }),
    );
    this.sent.push(...traces);
    return traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: trace.status === "success" ? "sampled" : trace.status }));
  }

  only(): SanitizedTrace {
    assert.equal(this.sent.length, 1, `expected one trace sent, got ${this.sent.length}`);
    return this.sent[0]!;
  }
}

/**
 * What onError reported for runs that expect no report. An assert inside onError would be swallowed
 * by the tracer's guard around callbacks, so they are collected and checked after each test.
 */
const unexpectedErrors: TraceSendError[] = [];

/** Once every send has finished, nothing was reported through keepAll's onError. */
async function noUnexpectedErrors(): Promise<void> {
  await flush();
  assert.deepEqual(unexpectedErrors.splice(0).map((error) => error.message), [], "unexpected onError");
}

/** Sends every trace; error reports are collected for noUnexpectedErrors(). */
function keepAll(exporter: TraceExporter, extra: Partial<WithTraceOptions> = {}): WithTraceOptions {
  return {
    exporter,
    sampleRate: 1,
    onError: (error) => unexpectedErrors.push(error),
    ...extra,
  } as WithTraceOptions;
}

function unavailable(): FunctionsError {
  return new FunctionsError("unavailable", "the service is unavailable");
}

describe("tracer: trace context", () => {
  afterEach(noUnexpectedErrors);

  it("getCurrentTrace() is undefined outside a run and the run's trace anywhere inside it", async () => {
    const exporter = new InMemoryExporter();
    assert.equal(getCurrentTrace(), undefined);
    await withTrace(keepAll(exporter), async (trace) => {
      assert.equal(getCurrentTrace(), trace);
      await sleep(5);
      assert.equal(getCurrentTrace(), trace);
      const fromTimer = await new Promise((resolve) => setTimeout(() => resolve(getCurrentTrace()), 1));
      assert.equal(fromTimer, trace);
    });
    assert.equal(getCurrentTrace(), undefined);
  });

  it("gives a nested run its own trace and restores the outer one after it", async () => {
    const exporter = new InMemoryExporter();
    await withTrace(keepAll(exporter, { skill: "outer" }), async (outer) => {
      await getCurrentTrace()!.tool("outer-before", {}, () => 1);
      await withTrace(keepAll(exporter, { skill: "inner" }), async (inner) => {
        assert.notEqual(inner, outer);
        assert.notEqual(inner.traceId, outer.traceId);
        assert.equal(getCurrentTrace(), inner);
        await getCurrentTrace()!.tool("inner", {}, () => 2);
      });
      assert.equal(getCurrentTrace(), outer);
      await getCurrentTrace()!.tool("outer-after", {}, () => 3);
    });
    await flush();
    const bySkill = new Map(exporter.sent.map((trace) => [trace.skill, trace.tool_traces.map((tool) => tool.name)]));
    assert.deepEqual(bySkill.get("inner"), ["inner"]);
    assert.deepEqual(bySkill.get("outer"), ["outer-before", "outer-after"]);
  });

  it("keeps the tool calls of 100 concurrent runs apart", async () => {
    const exporter = new InMemoryExporter();
    const seenIds = new Map<number, string>();
    async function searchTool(run: number, step: number): Promise<string> {
      await sleep(Math.random() * 10);
      return getCurrentTrace()!.tool(`run-${run}`, { step }, async () => {
        await sleep(Math.random() * 10);
        return `result ${run}.${step}`;
      });
    }
    await Promise.all(
      Array.from({ length: 100 }, (_, run) =>
        withTrace(keepAll(exporter, { userId: run }), async (trace) => {
          seenIds.set(run, trace.traceId);
          for (let step = 0; step < 3; step++) {
            await searchTool(run, step);
            assert.equal(getCurrentTrace()?.traceId, trace.traceId);
          }
        }),
      ),
    );
    await flush();
    assert.equal(exporter.sent.length, 100);
    for (const trace of exporter.sent) {
      const run = trace.user_id as number;
      assert.equal(trace.trace_id, seenIds.get(run));
      assert.deepEqual(
        trace.tool_traces.map((tool) => [tool.name, tool.input.step, tool.output]),
        [0, 1, 2].map((step) => [`run-${run}`, String(step), `result ${run}.${step}`]),
      );
    }
  });

  it("returns the run's result unchanged", async () => {
    const result = { answer: 42, nested: [1, 2] };
    assert.equal(await withTrace(keepAll(new InMemoryExporter()), async () => result), result);
    assert.equal(await withTrace(keepAll(new InMemoryExporter()), () => "sync result"), "sync result");
  });

  it("records a throwing tool as is_error with the error message, and rethrows the same error", async () => {
    const exporter = new InMemoryExporter();
    const failure = new RangeError("quota exceeded for web_search");
    await withTrace(keepAll(exporter), async (trace) => {
      await assert.rejects(
        trace.tool("web_search", { query: "weather" }, async () => {
          throw failure;
        }),
        (error) => error === failure,
      );
      await trace.tool("fallback", {}, () => "ok");
    });
    await flush();
    const sent = exporter.only();
    assert.equal(sent.status, "success", "a caught tool error does not fail the run");
    assert.deepEqual(
      sent.tool_traces.map((tool) => [tool.name, tool.is_error, tool.output]),
      [
        ["web_search", true, "quota exceeded for web_search"],
        ["fallback", false, "ok"],
      ],
    );
  });

  it("ends a throwing run as error with metadata.error cut to 200 chars, and rethrows the same error", async () => {
    const exporter = new InMemoryExporter();
    const failure = new Error(`model refused: ${"x".repeat(400)}`);
    await assert.rejects(
      withTrace(keepAll(exporter, { sampleRate: 0, metadata: { model: "m1" } }), async () => {
        throw failure;
      }),
      (error) => error === failure,
    );
    const thrownValue = { code: 7 };
    await assert.rejects(
      withTrace(keepAll(exporter, { sampleRate: 0 }), () => {
        throw thrownValue;
      }),
      (error) => error === thrownValue,
    );
    await flush();
    assert.equal(exporter.sent.length, 2, "errors are sent whatever the sample rate");
    const [first, second] = exporter.sent;
    assert.equal(first!.status, "error");
    assert.equal(first!.metadata.error, cutText(failure.message, LIMITS.errorMessageChars));
    assert.equal((first!.metadata.error as string).length, LIMITS.errorMessageChars);
    assert.equal(first!.metadata.model, "m1");
    assert.equal(second!.status, "error");
    assert.equal(second!.metadata.error, '{"code":7}');
  });

  it("keeps a status set with setStatus", async () => {
    const exporter = new InMemoryExporter();
    await withTrace(keepAll(exporter, { sampleRate: 0, skill: "timeout" }), (trace) => trace.setStatus("timeout"));
    await withTrace(keepAll(exporter, { sampleRate: 0, skill: "error" }), (trace) => trace.setStatus("error"));
    await assert.rejects(
      withTrace(keepAll(exporter, { sampleRate: 0, skill: "timeout-then-throw" }), (trace) => {
        trace.setStatus("timeout");
        throw new Error("gave up after 30 s");
      }),
    );
    await flush();
    const bySkill = new Map(exporter.sent.map((trace) => [trace.skill, trace]));
    assert.equal(bySkill.get("timeout")?.status, "timeout");
    assert.equal(bySkill.get("error")?.status, "error");
    assert.equal(bySkill.get("timeout-then-throw")?.status, "timeout");
    assert.equal(bySkill.get("timeout-then-throw")?.metadata.error, "gave up after 30 s");
  });

  it("times the run and each tool call", async () => {
    const exporter = new InMemoryExporter();
    const before = Date.now();
    await withTrace(keepAll(exporter), async (trace) => {
      await sleep(20);
      await trace.tool("slow", {}, () => sleep(40));
      await trace.tool("fast", {}, () => "instant");
    });
    const after = Date.now();
    await flush();
    const sent = exporter.only();
    const started = Date.parse(sent.started_at);
    const ended = Date.parse(sent.ended_at!);
    assert.ok(before <= started && started <= ended && ended <= after, `${before} <= ${started} <= ${ended} <= ${after}`);
    assert.ok(ended - started >= 58, `run took ${ended - started} ms`);
    const [slow, fast] = sent.tool_traces;
    assert.ok(slow!.duration_ms >= 38 && slow!.duration_ms < 1000, `slow took ${slow!.duration_ms} ms`);
    assert.ok(fast!.duration_ms >= 0 && fast!.duration_ms < 100, `fast took ${fast!.duration_ms} ms`);
    const slowStart = Date.parse(slow!.timestamp);
    assert.ok(slowStart - started >= 18, "a tool's timestamp is when it started");
    assert.ok(slowStart + slow!.duration_ms <= Date.parse(fast!.timestamp) + 2);
    assert.ok(Date.parse(fast!.timestamp) + fast!.duration_ms <= ended + 2);
  });

  it("records iterations, output, metadata and tool calls added with createToolTrace", async () => {
    const exporter = new InMemoryExporter();
    const when = new Date("2025-03-01T10:00:00.000Z");
    await withTrace(keepAll(exporter, { userId: "u-1", skill: "planning", metadata: { requestedAt: when, dropped: undefined } }), (trace) => {
      trace.incrementIteration();
      trace.incrementIteration();
      trace.addToolTrace(createToolTrace({ name: "calendar", input: { day: when }, output: { free: true }, durationMs: 12.4, timestamp: when }));
      trace.addToolTrace(createToolTrace({ name: "mail", output: "bounced", durationMs: 3, isError: true }));
      trace.setOutput("Meeting booked");
      trace.setMetadata("tokens", 1234n);
      trace.setMetadata("plan", { steps: ["a", undefined, "b"], note: undefined, at: when });
      trace.setMetadata("removed", "soon");
      trace.setMetadata("removed", undefined);
    });
    await flush();
    const sent = exporter.only();
    assert.equal(sent.user_id, "u-1");
    assert.equal(sent.skill, "planning");
    assert.equal(sent.iterations, 2);
    assert.equal(sent.final_output, "Meeting booked");
    assert.deepEqual(sent.metadata, {
      requestedAt: "2025-03-01T10:00:00.000Z",
      tokens: "1234",
      plan: { steps: ["a", null, "b"], at: "2025-03-01T10:00:00.000Z" },
    });
    const [calendar, mail] = sent.tool_traces;
    assert.deepEqual(calendar, {
      name: "calendar",
      input: { day: '"2025-03-01T10:00:00.000Z"' },
      output: '{"free":true}',
      duration_ms: 12,
      is_error: false,
      timestamp: "2025-03-01T10:00:00.000Z",
    });
    assert.equal(mail!.is_error, true);
    const mailStart = Date.parse(mail!.timestamp);
    assert.ok(mailStart <= Date.parse(sent.ended_at!) - 3 && mailStart > Date.now() - 1000, "without a timestamp, the call started durationMs ago");
  });

  it("records a tool's input as it was when the tool was called", async () => {
    const exporter = new InMemoryExporter();
    await withTrace(keepAll(exporter), async (trace) => {
      const messages = ["hello"];
      await trace.tool("chat", { messages }, () => "hi");
      messages.push("changed later");
    });
    await flush();
    assert.deepEqual(exporter.only().tool_traces[0]!.input, { messages: '["hello"]' });
  });
});

describe("tracer: sending", () => {
  afterEach(noUnexpectedErrors);

  it("does not send a success the sampler drops, sends one it keeps, as decideRecording decides for 1,000 runs", async () => {
    const exporter = new InMemoryExporter();
    const ids: string[] = [];
    for (let run = 0; run < 1000; run++) {
      await withTrace(keepAll(exporter, { sampleRate: 0.1 }), (trace) => {
        ids.push(trace.traceId);
      });
    }
    await flush();
    const sampler = new TraceIdRatioBasedSampler(0.1);
    const expected = ids.filter((id) => decideRecording({ status: "success", trace_id: id, started_at: "2026-01-01T00:00:00Z" }, { sampler }).store);
    assert.deepEqual(
      exporter.sent.map((trace) => trace.trace_id),
      expected,
    );
    assert.ok(expected.length > 50 && expected.length < 150, `${expected.length} of 1000 kept at 0.1`);
  });

  it("uses a sample rate of 0.1 by default", async () => {
    const exporter = new InMemoryExporter();
    const ids: string[] = [];
    for (let run = 0; run < 300; run++) await withTrace({ exporter }, (trace) => void ids.push(trace.traceId));
    await flush();
    const sampler = new TraceIdRatioBasedSampler(0.1);
    assert.deepEqual(
      exporter.sent.map((trace) => trace.trace_id),
      ids.filter((id) => sampler.shouldSample(id)),
    );
  });

  it("sends a payload that passes validateTrace and equals sanitizeTrace of the raw trace", async () => {
    const exporter = new InMemoryExporter();
    const secretKey = "sk-ant-" + "a1B2c3D4".repeat(5);
    const googleKey = "AIza" + "Sy0123456789abcdefghijklmnopqrstuvw";
    const toolInput = { apiKey: secretKey, query: "q".repeat(300), options: { password: "hunter22", depth: 2 }, when: new Date(0) };
    const toolOutput = `Authorization: Bearer ${"t0k3n".repeat(6)} ${"result ".repeat(200)}`;
    const finalOutput = `Use key ${googleKey}. ${"answer ".repeat(400)}`;
    let traceId = "";
    await withTrace(keepAll(exporter, { userId: 7, skill: "research", metadata: { at: new Date(1e12), token: "abc123456" } }), async (trace) => {
      traceId = trace.traceId;
      trace.incrementIteration();
      await trace.tool("fetch", toolInput, () => toolOutput);
      await assert.rejects(trace.tool("broken", { n: 1 }, () => Promise.reject(new Error(`failed with ${secretKey}`))));
      trace.setOutput(finalOutput);
    });
    await flush();
    const sent = exporter.only();

    assert.ok(validateTrace(sent).ok, "the payload is a valid trace");
    const [fetchCall, brokenCall] = sent.tool_traces;
    const raw = validateTrace({
      trace_id: traceId,
      user_id: 7,
      skill: "research",
      started_at: sent.started_at,
      ended_at: sent.ended_at,
      iterations: 1,
      tool_traces: [
        { name: "fetch", input: toolInput, output: toolOutput, duration_ms: fetchCall!.duration_ms, is_error: false, timestamp: fetchCall!.timestamp },
        { name: "broken", input: { n: 1 }, output: `failed with ${secretKey}`, duration_ms: brokenCall!.duration_ms, is_error: true, timestamp: brokenCall!.timestamp },
      ],
      final_output: finalOutput,
      status: "success",
      metadata: { at: new Date(1e12).toISOString(), token: "abc123456" },
      // The Date setMetadata converted to its JSON text.
      values_repaired: 1,
    });
    assert.ok(raw.ok);
    assert.deepEqual(sent, sanitizeTrace(raw.trace));
    const text = JSON.stringify(sent);
    assert.ok(!text.includes(secretKey) && !text.includes(googleKey) && !text.includes("hunter22") && !text.includes("abc123456"));
    assert.ok(sent.final_output.length <= LIMITS.finalOutputChars);
  });

  it("repairs a run Firestore could not store as recorded, counts what it rewrote, and sends it (never refuses it)", async () => {
    const exporter = new InMemoryExporter();
    const errors: TraceSendError[] = [];
    const result = await withTrace({ exporter, sampleRate: 1, onError: (error) => errors.push(error) }, async (trace) => {
      trace.setMetadata("grid", [[1, 2]]);
      await assert.rejects(trace.tool("", { "": 1 }, () => Promise.reject(new Error("no tool"))));
      return "still answered";
    });
    await flush();
    assert.equal(result, "still answered");
    assert.deepEqual(errors, []);
    const sent = exporter.only();
    assert.deepEqual(sent.metadata.grid, ["[1,2]"]);
    assert.deepEqual([sent.tool_traces[0]!.name, sent.tool_traces[0]!.input], ["(unnamed tool)", { "(empty)": "1" }]);
    assert.equal(sent.values_repaired, 3);
    assert.ok(validateTrace(JSON.parse(JSON.stringify(sent))).ok);
  });

  it("retries a retryable failure with growing delays, then reports it through onError with the trace id", async () => {
    const failures: unknown[] = [];
    const exporter = new InMemoryExporter(() => {
      const failure = unavailable();
      failures.push(failure);
      throw failure;
    });
    const errors: TraceSendError[] = [];
    let traceId = "";
    await withTrace(
      { exporter, sampleRate: 0, retry: { attempts: 4, initialDelayMs: 20, maxDelayMs: 1000 }, onError: (error) => errors.push(error) },
      (trace) => {
        traceId = trace.traceId;
        trace.setStatus("error");
      },
    );
    assert.equal(errors.length, 0, "withTrace returned before the retries");
    await flush();
    assert.equal(exporter.attemptTimes.length, 4);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.traceId, traceId);
    assert.equal(errors[0]!.attempts, 4);
    assert.equal(errors[0]!.cause, failures[3]);
    assert.match(errors[0]!.message, new RegExp(`trace ${traceId} was not recorded after 4 attempts`));
    const gaps = exporter.attemptTimes.slice(1).map((time, index) => time - exporter.attemptTimes[index]!);
    // Equal jitter: the n-th wait is between half and all of 20 * 2^(n-1) ms.
    gaps.forEach((gap, index) => assert.ok(gap >= 10 * 2 ** index - 1, `wait ${index + 1} was ${gap.toFixed(1)} ms`));
  });

  it("stops retrying once a send succeeds", async () => {
    const exporter = new InMemoryExporter((attempt) => {
      if (attempt < 3) throw new FunctionsError("deadline-exceeded", "deadline-exceeded");
    });
    const results: RecordTraceResult[] = [];
    let traceId = "";
    await withTrace(
      keepAll(exporter, { retry: { attempts: 5, initialDelayMs: 5, maxDelayMs: 10 }, onSent: (result) => results.push(result) }),
      (trace) => void (traceId = trace.traceId),
    );
    await flush();
    assert.equal(exporter.attemptTimes.length, 3);
    assert.deepEqual(results, [{ trace_id: traceId, stored: true, reason: "sampled" }]);
  });

  for (const code of ["invalid-argument", "unauthenticated", "permission-denied", "failed-precondition"] as const) {
    it(`does not retry functions/${code}: onError after 1 attempt`, async () => {
      const exporter = new InMemoryExporter(() => {
        throw new FunctionsError(code, code);
      });
      const errors: TraceSendError[] = [];
      await withTrace({ exporter, sampleRate: 1, retry: { attempts: 5, initialDelayMs: 1, maxDelayMs: 1 }, onError: (error) => errors.push(error) }, () => {});
      await flush();
      assert.equal(exporter.attemptTimes.length, 1);
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.attempts, 1);
      assert.equal((errors[0]!.cause as FunctionsError).code, `functions/${code}`);
    });
  }

  it("classifies core's RETRYABLE_CODES, network errors and a call the function never answered as retryable, and the rest, an internal it answered included, as final", () => {
    for (const code of RETRYABLE_CODES) assert.equal(isRetryableError(new FunctionsError(code, code)), true, code);
    assert.ok(!(RETRYABLE_CODES as readonly string[]).includes("internal"), "internal is the server's own bug: never retried");
    for (const code of ["invalid-argument", "unauthenticated", "permission-denied", "failed-precondition", "not-found", "data-loss"] as const) {
      assert.equal(isRetryableError(new FunctionsError(code, `${code} [400]`)), false, code);
    }
    // An internal the function answered has a callable error body: its message, or the SDK's "INTERNAL".
    assert.equal(isRetryableError(new FunctionsError("internal", "INTERNAL [500]")), false);
    assert.equal(isRetryableError(new FunctionsError("internal", "could not prepare the trace [500]")), false);
    assert.equal(isRetryableError(new FunctionsError("internal", "Response is not valid JSON object.")), false);
    // With no body the JS SDK says "internal": no HTTP response (status 0), or the platform's own 500.
    assert.equal(isRetryableError(new FunctionsError("internal", "internal [0]")), true);
    assert.equal(isRetryableError(new FunctionsError("internal", "internal [500]")), true);
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    assert.equal(isRetryableError(new TypeError("fetch failed", { cause: refused })), true);
    assert.equal(isRetryableError(refused), true);
    assert.equal(isRetryableError(new Error("bug in the exporter")), false);
    assert.equal(isRetryableError(undefined), false);
  });

  it("backs off exponentially with jitter, up to maxDelayMs", () => {
    const options = { attempts: 10, initialDelayMs: 100, maxDelayMs: 1000 };
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, options, () => 1)), [100, 200, 400, 800, 1000, 1000]);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, options, () => 0)), [50, 100, 200, 400, 500, 500]);
  });

  it("warns in one line by default when a trace is not recorded", async () => {
    const warnings: unknown[][] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      const exporter = new InMemoryExporter(() => {
        throw new FunctionsError("permission-denied", "App Check token missing");
      });
      let traceId = "";
      await withTrace({ exporter, sampleRate: 1 }, (trace) => void (traceId = trace.traceId));
      await flush();
      assert.deepEqual(warnings, [[`[agent-traces] trace ${traceId} was not recorded after 1 attempt: App Check token missing`]]);
    } finally {
      console.warn = original;
    }
  });

  it("rejects bad options before running the agent", async () => {
    let ran = false;
    const run = () => void (ran = true);
    const exporter = new InMemoryExporter();
    await assert.rejects(withTrace({} as WithTraceOptions, run), TypeError);
    await assert.rejects(withTrace({ exporter, sampleRate: 1.5 }, run), RangeError);
    await assert.rejects(withTrace({ exporter, retry: { attempts: 0 } }, run), RangeError);
    assert.equal(ran, false);
  });
});

describe("tracer: flush", () => {
  afterEach(noUnexpectedErrors);

  it("resolves at once when nothing is being sent", async () => {
    await flush();
  });

  it("waits for a slow send that withTrace did not wait for", async () => {
    let finished = false;
    const exporter = new InMemoryExporter(async () => {
      await sleep(150);
      finished = true;
    });
    const start = performance.now();
    await withTrace(keepAll(exporter), () => "done");
    assert.ok(performance.now() - start < 100, "withTrace does not wait for the send");
    assert.equal(finished, false);
    await flush();
    assert.equal(finished, true);
    assert.equal(exporter.sent.length, 1);
  });

  it("waits for the retries of runs that ended before it, not for runs that end while it waits", async () => {
    const exporter = new InMemoryExporter(async (attempt) => {
      await sleep(10);
      if (attempt <= 2) throw unavailable();
    });
    const options = keepAll(exporter, { retry: { attempts: 3, initialDelayMs: 30, maxDelayMs: 30 } });
    await withTrace(options, () => {});
    // Ends while flush() waits for the first send's retries.
    const second = sleep(20).then(() => withTrace(options, () => {}));
    await flush();
    assert.equal(exporter.sent.length, 1, "the first trace was sent, on its third attempt");
    assert.equal(exporter.attemptTimes.length, 3);
    await second;
    await flush();
    assert.equal(exporter.sent.length, 2, "the next flush() sends the second");
    assert.equal(exporter.attemptTimes.length, 6);
  });
});
