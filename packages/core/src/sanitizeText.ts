import { LIMITS } from "./limits.js";
import { isSensitiveKey, REDACTED, redactText, untilStable } from "./redact.js";
import { cutText, wellFormed } from "./text.js";

/** Chars scanned past a cut so that a secret straddling the cut is still recognised. */
const REDACTION_MARGIN = 4096;

/**
 * Redacts secret-shaped text, then cuts it; huge text is only scanned as far as can survive (at least
 * REDACTION_MARGIN / 2 chars past the cut after redaction, so that a secret the scan cuts stays out of it).
 * A cut is marked with `originalLength`: by default the length the text had as received, before
 * redaction (a caller cutting text it already shortened passes the length that text had).
 */
export function redactAndCut(text: string, maxChars: number, originalLength = text.length): string {
  let scanned: string;
  let redacted: string;
  for (let window = maxChars + REDACTION_MARGIN; ; window *= 2) {
    scanned = text.length > window ? text.slice(0, window) : text;
    redacted = wellFormed(redactText(scanned));
    // Redactions shortened the scanned text so much that a secret cut at the end of the scan could
    // land in what is kept: scan further.
    if (scanned === text || redacted.length >= maxChars + REDACTION_MARGIN / 2) break;
  }
  if (scanned === text && redacted.length <= maxChars) return redacted;
  const cut = cutText(redacted, maxChars, originalLength);
  // Redacted text without a redaction matches no pattern, nor does any start of it with the marker
  // after it (no pattern needs what follows its match or reaches past the marker's "…"): the cut is final.
  if (!redacted.includes(REDACTED)) return cut;
  // A cut redaction can match again ("sig=[REDA"): redact and cut until nothing changes.
  return untilStable((again) => cutText(wellFormed(redactText(again)), maxChars), cut);
}

/**
 * A key as stored (cut), and whether its value is withheld: when the key names a secret as received
 * or as stored, so that the second pass, which sees only the stored key, decides the same.
 */
export function storedKey(key: string): { stored: string; sensitive: boolean } {
  const stored = cutText(wellFormed(key), LIMITS.keyChars);
  return { stored, sensitive: isSensitiveKey(key) || isSensitiveKey(stored) };
}
