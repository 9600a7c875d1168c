import { formatDuration, toolCallTimeline, type StoredTrace } from "@agent-traces/store";
import { PLAIN, type Style } from "./style.js";
import { cut, oneLine, padEnd, padStart, width } from "./text.js";

export interface WaterfallOptions {
  style?: Style;
  /** Columns of the bar area (default 40). */
  barWidth?: number;
  /** Columns a row may take; the input → output summary gets what is left (default 120). */
  columns?: number;
}

const NAME_MAX = 24;
const ERROR_MARKER = "✗ ERR";

/**
 * Where a call's bar sits in `barWidth` columns: its start is proportional to its offset from
 * the start of the run, its length to its duration, both over `totalMs`; always at least one column.
 */
export function barSpan(offsetMs: number, durationMs: number, totalMs: number, barWidth: number): { start: number; length: number } {
  const scale = barWidth / Math.max(1, totalMs);
  const start = Math.min(barWidth - 1, Math.max(0, Math.floor(offsetMs * scale)));
  const length = Math.max(1, Math.min(barWidth - start, Math.round(Math.max(0, durationMs) * scale)));
  return { start, length };
}

/** The tool calls of a trace as a waterfall, ordered by start, one row per call. */
export function renderWaterfall(trace: StoredTrace, options: WaterfallOptions = {}): string {
  const style = options.style ?? PLAIN;
  const barWidth = Math.max(10, options.barWidth ?? 40);
  const columns = options.columns ?? 120;
  // The scale is the run's duration, stretched if a call ends after the run (or the run has no end).
  const timeline = toolCallTimeline(trace);
  const totalMs = timeline.totalMs;
  const calls = timeline.calls.map(({ index, offsetMs }) => ({ tool: trace.tool_traces[index]!, number: index + 1, offset: offsetMs }));

  const failed = trace.tool_error_count;
  const dropped = trace.tool_traces_dropped;
  const title =
    `Tool calls: ${calls.length}` +
    (failed > 0 ? `, ${failed} failed` : "") +
    (dropped > 0 ? `; ${dropped} more dropped when stored (not shown)` : "");
  const lines = [style.bold(title)];
  if (calls.length === 0) return [...lines, "  (none)"].join("\n") + "\n";

  const numberWidth = String(trace.tool_traces.length).length;
  const names = calls.map(({ tool }) => cut(oneLine(tool.name), NAME_MAX));
  const nameWidth = Math.max(4, ...names.map(width));
  const durations = calls.map(({ tool }) => formatDuration(tool.duration_ms));
  const durationWidth = Math.max(8, ...durations.map(width));
  const prefixWidth = 2 + numberWidth + 2 + nameWidth + 2 + barWidth + 2 + 2 + durationWidth + 2 + ERROR_MARKER.length + 2;
  const ioWidth = Math.max(20, columns - prefixWidth);

  lines.push(
    style.dim(
      `  ${padStart("#", numberWidth)}  ${padEnd("TOOL", nameWidth)}  ${scaleLine(totalMs, barWidth + 2)}  ${padStart("DURATION", durationWidth)}  ${padEnd("", ERROR_MARKER.length)}  INPUT → OUTPUT`,
    ),
  );
  calls.forEach(({ tool, number, offset }, index) => {
    const { start, length } = barSpan(offset, tool.duration_ms, totalMs, barWidth);
    const paint = tool.is_error ? style.red : style.green;
    const bar = `|${" ".repeat(start)}${paint((tool.is_error ? "▒" : "█").repeat(length))}${" ".repeat(barWidth - start - length)}|`;
    const marker = tool.is_error ? style.red(ERROR_MARKER) : " ".repeat(ERROR_MARKER.length);
    const io = summarizeIo(tool.input, tool.output, ioWidth);
    lines.push(`  ${padStart(String(number), numberWidth)}  ${padEnd(names[index]!, nameWidth)}  ${bar}  ${padStart(durations[index]!, durationWidth)}  ${marker}  ${io}`.trimEnd());
  });
  return lines.join("\n") + "\n";
}

/** "0ms" at the left edge and the scale's total at the right, `columns` wide. */
function scaleLine(totalMs: number, columns: number): string {
  const right = formatDuration(totalMs);
  return `0${" ".repeat(Math.max(1, columns - 1 - width(right)))}${right}`;
}

/** `key=value, … → output` on one line of at most `max` columns, the input giving way to the output. */
export function summarizeIo(input: Record<string, string>, output: string, max: number): string {
  const inputText = oneLine(Object.entries(input).map(([key, value]) => `${key}=${value}`).join(", "));
  const outputText = oneLine(output);
  const arrow = " → ";
  const room = max - width(arrow);
  if (width(inputText) + width(outputText) <= room) return `${inputText}${arrow}${outputText}`.trim();
  const inputRoom = Math.min(width(inputText), Math.max(Math.ceil(room / 2), room - width(outputText)));
  return `${cut(inputText, inputRoom)}${arrow}${cut(outputText, room - inputRoom)}`.trim();
}
