/** Text helpers shared by the renderers: one-line cuts, padding, durations and local instants. */

// Control characters (ESC included), bidi overrides and line separators in stored text must not reach the terminal.
const ACTIVE_BEYOND_C0 = "\\u007f-\\u009f\\u200e\\u200f\\u202a-\\u202e\\u2028\\u2029\\u2066-\\u2069";
const UNPRINTABLE = new RegExp(`[\\u0000-\\u001f${ACTIVE_BEYOND_C0}]`, "g");
/** What JSON.stringify leaves raw that a terminal acts on (it escapes C0 controls itself). */
const RAW_IN_JSON = new RegExp(`[${ACTIVE_BEYOND_C0}]`, "g");

/** `text` on one line: whitespace runs become one space, other control characters U+FFFD. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").replace(UNPRINTABLE, "\ufffd").trim();
}

/** `value` as indented JSON with every character a terminal could act on written as a \u escape. */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(RAW_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Width in columns, counting code points (wide East Asian characters count as one). */
export function width(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** At most `max` columns, ending in "…" when cut. */
export function cut(text: string, max: number): string {
  if (width(text) <= max) return text;
  return max <= 0 ? "" : `${Array.from(text).slice(0, max - 1).join("")}…`;
}

export function padEnd(text: string, columns: number): string {
  return text + " ".repeat(Math.max(0, columns - width(text)));
}

export function padStart(text: string, columns: number): string {
  return " ".repeat(Math.max(0, columns - width(text))) + text;
}

/** 850ms, 1.23s, 12.3s, 2m05s, 1h02m; "—" when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return "—";
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 10) / 100).toFixed(2)}s`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const seconds = Math.floor(ms / 1_000);
  if (seconds < 3_600) return `${Math.floor(seconds / 60)}m${pad2(seconds % 60)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${Math.floor(minutes / 60)}h${pad2(minutes % 60)}m`;
}

/**
 * An ISO instant in the local time zone: `2025-03-01 13:00:05`, or with `precise`
 * `2025-03-01 13:00:05.120 +01:00`.
 */
export function formatInstant(iso: string | null | undefined, precise = false): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return oneLine(iso);
  const day = `${String(date.getFullYear()).padStart(4, "0")}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
  const time = `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
  if (!precise) return `${day} ${time}`;
  const offset = -date.getTimezoneOffset();
  const zone = `${offset < 0 ? "-" : "+"}${pad2(Math.floor(Math.abs(offset) / 60))}:${pad2(Math.abs(offset) % 60)}`;
  return `${day} ${time}.${String(date.getMilliseconds()).padStart(3, "0")} ${zone}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}
