/**
 * `date.toISOString()`, about twice as fast for years 1000 to 9999 (V8's own formatter was a fifth of
 * the cost of recording a tool call). Other dates, invalid ones included, go to `toISOString()`.
 */
export function isoString(date: Date): string {
  const year = date.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) return date.toISOString();
  const millis = date.getUTCMilliseconds();
  return `${year}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}Z`;
}

function two(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}
