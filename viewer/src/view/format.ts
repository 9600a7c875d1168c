/** How the viewer writes ages, previews and stored text; instants and durations use store's formatInstant and formatDuration, as the CLI does. */

/** "12s ago", "5m ago", "3h ago", "2d ago"; "in the future" for clock skew. */
export function formatAge(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return "";
  if (ms < -1000) return "in the future";
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** `text` on one line (whitespace runs become one space), cut to `max` characters with an ellipsis. */
export function previewText(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  if (line.length <= max) return line;
  const end = /[\uD800-\uDBFF]/.test(line.charAt(max - 2)) ? max - 2 : max - 1;
  return `${line.slice(0, end)}…`;
}

/**
 * A stored string made readable: JSON objects and arrays pretty-printed with two spaces, anything
 * else as it is. Tool inputs and outputs are stored as text, often JSON.
 */
export function readableText(text: string): { text: string; json: boolean } {
  const trimmed = text.trim();
  if ((trimmed.startsWith("{") && trimmed.endsWith("}")) || (trimmed.startsWith("[") && trimmed.endsWith("]"))) {
    try {
      return { text: JSON.stringify(JSON.parse(trimmed), null, 2), json: true };
    } catch {
      // not JSON after all (or cut): shown as it is
    }
  }
  return { text, json: false };
}

/** Whether a text block is long enough to start collapsed. */
export function isLongText(text: string): boolean {
  return text.length > 600 || text.split("\n").length > 12;
}

/** `12.5%` with one decimal; "—" when unknown. */
export function formatPercent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined || !Number.isFinite(ratio) ? "—" : `${(Math.round(ratio * 1000) / 10).toFixed(1)}%`;
}

/** A signed number: "+3", "-2", "0". */
export function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}
