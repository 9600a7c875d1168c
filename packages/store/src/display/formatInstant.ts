/**
 * An ISO instant in the local time zone: `2025-03-01 13:00:05`, or with `precise`
 * `2025-03-01 13:00:05.120 +01:00`; "—" when absent, the text itself when it names no instant.
 */
export function formatInstant(iso: string | null | undefined, precise = false): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
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
