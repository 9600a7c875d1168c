import { formatInstant } from "@agent-traces/store";
import type { SessionSummary } from "../query.js";
import { PLAIN, type Style } from "./style.js";
import { cut, oneLine, padEnd, padStart, width } from "./text.js";

const SESSION_ID_COLUMNS = 40;

/** A user's sessions as a table in the order given (newest first), or "No sessions."; `more` adds a hint that others may exist. */
export function renderSessionTable(sessions: readonly SessionSummary[], options: { style?: Style; more?: boolean } = {}): string {
  if (sessions.length === 0) return "No sessions.\n";
  const style = options.style ?? PLAIN;
  const titles = ["SESSION", "RUNS", "FIRST STARTED", "LAST STARTED", "STATUSES"];
  const rows = sessions.map((session) => [
    cut(oneLine(session.session_id), SESSION_ID_COLUMNS),
    `${session.runs}${session.runs_capped ? "+" : ""}`,
    oneLine(formatInstant(session.first_started_at)),
    oneLine(formatInstant(session.last_started_at)),
    statusesText(session.statuses),
  ]);
  const widths = titles.map((title, index) => Math.max(width(title), ...rows.map((row) => width(row[index]!))));
  const line = (cells: string[]) => cells.map((cell, index) => (index === 1 ? padStart(cell, widths[index]!) : padEnd(cell, widths[index]!))).join("  ").trimEnd();
  const painted = rows.map((row, index) => {
    const text = line(row);
    const failures = sessions[index]!.statuses.error + sessions[index]!.statuses.timeout;
    return failures > 0 ? style.red(text) : text;
  });
  const footer = options.more ? [style.dim(`${sessions.length} shown; older sessions may exist (raise --limit up to 100)`)] : [];
  return [style.bold(line(titles)), ...painted, ...footer].join("\n") + "\n";
}

/** "3 success, 1 error" (only the non-zero ones). */
function statusesText(statuses: SessionSummary["statuses"]): string {
  return (["success", "error", "timeout"] as const)
    .filter((status) => statuses[status] > 0)
    .map((status) => `${statuses[status]} ${status}`)
    .join(", ");
}
