/** Text helpers shared by the renderers: one-line cuts and padding (instants and durations: store's formatInstant and formatDuration). */

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
