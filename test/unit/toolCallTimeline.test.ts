import { strict as assert } from "node:assert";
import { toolCallTimeline } from "@agent-traces/store";

const START = Date.parse("2025-03-01T12:00:00.000Z");
const at = (ms: number) => new Date(START + ms).toISOString();
const call = (offsetMs: number, durationMs: number) => ({ timestamp: at(offsetMs), duration_ms: durationMs });

describe("toolCallTimeline", () => {
  it("places each call at its offset from the run's start, on the run's duration", () => {
    const timeline = toolCallTimeline({ started_at: at(0), duration_ms: 1_000, tool_traces: [call(0, 150), call(500, 500)] });
    assert.deepEqual(timeline, {
      totalMs: 1_000,
      calls: [
        { index: 0, offsetMs: 0, durationMs: 150 },
        { index: 1, offsetMs: 500, durationMs: 500 },
      ],
    });
  });

  it("orders calls by offset, ties by their position in tool_traces, and keeps that position as index", () => {
    const timeline = toolCallTimeline({ started_at: at(0), duration_ms: 1_000, tool_traces: [call(500, 10), call(0, 10), call(250, 10), call(0, 20)] });
    assert.deepEqual(timeline.calls.map((entry) => [entry.index, entry.offsetMs]), [[1, 0], [3, 0], [2, 250], [0, 500]]);
  });

  it("clamps a call logged before the run started to offset 0", () => {
    const timeline = toolCallTimeline({ started_at: at(100), duration_ms: 1_000, tool_traces: [call(0, 50)] });
    assert.deepEqual(timeline.calls, [{ index: 0, offsetMs: 0, durationMs: 50 }]);
  });

  it("stretches the scale to the last call's end when calls outlast the run, or the run has no end", () => {
    assert.equal(toolCallTimeline({ started_at: at(0), duration_ms: 100, tool_traces: [call(50, 200)] }).totalMs, 250);
    assert.equal(toolCallTimeline({ started_at: at(0), duration_ms: null, tool_traces: [call(0, 100), call(100, 100)] }).totalMs, 200);
  });

  it("never scales to less than 1 ms, with no calls or only instantaneous ones", () => {
    assert.deepEqual(toolCallTimeline({ started_at: at(0), duration_ms: null, tool_traces: [] }), { totalMs: 1, calls: [] });
    assert.equal(toolCallTimeline({ started_at: at(0), duration_ms: 0, tool_traces: [call(0, 0)] }).totalMs, 1);
  });
});
