/**
 * Replaces lone UTF-16 surrogates, which Firestore cannot store as UTF-8, with U+FFFD.
 */
export function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}

/** The marker ending a cut string; it keeps the original length in UTF-16 code units. */
export function cutMarker(originalLength: number): string {
  return `…[truncated, ${originalLength} chars]`;
}

const CUT_MARKER_PATTERN = /^…\[truncated, (\d+) chars\]$/;
const CUT_MARKER_START = "…[truncated, ";

/** The length `text` had before it was cut, or undefined when it ends with no cut marker. */
export function lengthBeforeCut(text: string): number | undefined {
  // Only the end is read: a marker can only be the last ~40 chars.
  if (!text.endsWith(" chars]")) return undefined;
  const match = CUT_MARKER_PATTERN.exec(text.slice(text.lastIndexOf(CUT_MARKER_START)));
  return match ? Number(match[1]) : undefined;
}

/**
 * Cuts `text` to at most `maxChars` code units, marker included, so that cutting twice with the
 * same limit changes nothing and the original length survives a second pass.
 * Never splits a surrogate pair. `originalLength` is for text that was already shortened
 * by the caller and must still be marked with the length it had.
 */
export function cutText(text: string, maxChars: number, originalLength = text.length): string {
  if (text.length <= maxChars && originalLength === text.length) return text;
  const marker = cutMarker(lengthBeforeCut(text) ?? originalLength);
  let end = Math.max(0, maxChars - marker.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end) + marker;
}
