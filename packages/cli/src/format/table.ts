import { costText, formatDuration, formatInstant, type StoredTrace } from "@agent-traces/store";
import { statusLabel, statusStyle } from "./status.js";
import { PLAIN, type Style } from "./style.js";
import { cut, oneLine, padEnd, padStart, width } from "./text.js";

interface Cell {
  text: string;
  paint?: (text: string) => string;
}

interface Column {
  title: string;
  align: "left" | "right";
  max?: number;
  cell(trace: StoredTrace, style: Style): Cell;
}

const COLUMNS: Column[] = [
  { title: "STARTED", align: "left", cell: (t) => ({ text: oneLine(formatInstant(t.started_at)) }) },
  { title: "TRACE ID", align: "left", cell: (t) => ({ text: t.trace_id }) },
  { title: "STATUS", align: "left", cell: (t, style) => ({ text: statusLabel(t.status), paint: statusStyle(t.status, style) }) },
  { title: "USER", align: "left", max: 24, cell: (t) => ({ text: t.user_id == null ? "—" : oneLine(String(t.user_id)) }) },
  { title: "SKILL", align: "left", max: 20, cell: (t) => ({ text: t.skill ? oneLine(t.skill) : "—" }) },
  { title: "DURATION", align: "right", cell: (t) => ({ text: formatDuration(t.duration_ms) }) },
  {
    title: "TOOLS kept/err/drop",
    align: "right",
    cell: (t, style) => ({ text: `${t.tool_traces.length}/${t.tool_error_count}/${t.tool_traces_dropped}`, paint: t.tool_error_count > 0 ? style.red : undefined }),
  },
  { title: "ITER", align: "right", cell: (t) => ({ text: String(t.iterations) }) },
  { title: "COST", align: "right", cell: (t) => ({ text: costText(t.cost_usd, (t.unpriced_models?.length ?? 0) > 0) }) },
];

/** What a list by cost says under its table: which runs it cannot show. */
export const BY_COST_NOTE = "Most expensive first. Runs without a priced cost (no token usage, or only models without a price) are not listed.";

/**
 * The traces as a table in the order given, or "No traces."; `more` adds a hint that others may follow
 * (`moreHint`, default: older ones); `byCost` says under it that runs without a priced cost are left out.
 */
export function renderTraceTable(traces: readonly StoredTrace[], options: { style?: Style; more?: boolean; moreHint?: string; byCost?: boolean } = {}): string {
  const style = options.style ?? PLAIN;
  const note = options.byCost ? [style.dim(BY_COST_NOTE)] : [];
  if (traces.length === 0) return [options.byCost ? "No traces with a priced cost." : "No traces.", ...note].join("\n") + "\n";
  const rows = traces.map((trace) => COLUMNS.map((column) => {
    const cell = column.cell(trace, style);
    return { ...cell, text: column.max ? cut(cell.text, column.max) : cell.text };
  }));
  const widths = COLUMNS.map((column, index) => Math.max(width(column.title), ...rows.map((row) => width(row[index]!.text))));
  const line = (cells: Cell[]) =>
    cells
      .map((cell, index) => {
        const padded = COLUMNS[index]!.align === "right" ? padStart(cell.text, widths[index]!) : padEnd(cell.text, widths[index]!);
        return cell.paint ? cell.paint(padded) : padded;
      })
      .join("  ")
      .trimEnd();
  const header = style.bold(line(COLUMNS.map((column) => ({ text: column.title }))));
  const footer = options.more ? [style.dim(`${traces.length} shown; ${options.moreHint ?? "older traces may exist (raise --limit up to 100, or narrow with --since/--until)"}`)] : [];
  return [header, ...rows.map(line), ...footer, ...note].join("\n") + "\n";
}
