/** A token count with thousands separators, whatever the locale: 1234567 → "1,234,567". */
export function formatTokens(count: number): string {
  if (!Number.isFinite(count)) return "—";
  return String(Math.round(count)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
