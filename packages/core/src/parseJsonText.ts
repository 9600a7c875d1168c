/** Text shaped like one JSON value: what JSON.parse is tried on (a failed parse throws, which costs microseconds). */
const JSON_SHAPE = /^\s*(?:\{[\s\S]*\}|\[[\s\S]*\]|"[\s\S]*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)\s*$/;

/** `text` parsed when it is JSON, else `text` itself. Frameworks put JSON and plain text in the same attributes. */
export function parseJsonText(text: string): unknown {
  if (!JSON_SHAPE.test(text)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
