/**
 * Turns any value a tool received or returned into text without ever throwing:
 * strings stay as they are; BigInts, cycles, functions and symbols get a readable stand-in.
 */
export function stringifyValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  // What JSON.stringify would write for them, without its machinery (a tool's input is often a number).
  if (value === null || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return String(value);
  // What JSON has no text for is written as it is inside objects, without quotes around it.
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "function" || typeof value === "symbol") return `[${typeof value}]`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    // The objects being serialized from the root down to the current one: only a value that is
    // its own ancestor is a cycle; one reached twice by different paths is written twice.
    const ancestors: object[] = [];
    const text = JSON.stringify(value, function (this: unknown, _key, item: unknown) {
      if (typeof item === "bigint") return item.toString();
      if (typeof item === "function" || typeof item === "symbol") return `[${typeof item}]`;
      if (item instanceof Error) return `${item.name}: ${item.message}`;
      if (typeof item === "object" && item !== null) {
        while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
        if (ancestors.includes(item)) return "[Circular]";
        ancestors.push(item);
      }
      return item;
    });
    return text ?? String(value);
  } catch {
    try {
      return String(value);
    } catch {
      return "[unprintable]";
    }
  }
}
