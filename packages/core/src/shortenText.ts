import { redactAndCut } from "./sanitizeText.js";
import { utf8Length } from "./storedSize.js";

/**
 * Sanitized text (already cut to its `fieldLimit`) cut further to at most `maxChars` chars, marker
 * included, or to the marker alone, whichever the per-field cut at `fieldLimit` leaves unchanged
 * (so a second sanitizing pass keeps it); the text as it is when neither is smaller in bytes.
 * What it keeps is a start of `text`, redacted again: it shows nothing `text` hides.
 */
export function shortenText(text: string, maxChars: number, fieldLimit: number, originalLength = text.length): string {
  if (text.length <= maxChars) return text;
  // A cut can leave a start of "[REDACTED]" that the next redaction at a longer limit would take for a value ("sig=[REDA").
  for (const length of [maxChars, 0]) {
    const shortened = redactAndCut(text, length, originalLength);
    if (utf8Length(shortened) < utf8Length(text) && redactAndCut(shortened, fieldLimit) === shortened) return shortened;
  }
  return text;
}
