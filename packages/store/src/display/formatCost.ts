/**
 * USD as read at a glance: cents from $1 up ("$12.35", "$1,234.50"), 4 decimals below ("$0.0123"),
 * 2 significant digits below $0.0001 ("$0.000034"), "$0" for nothing.
 */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return "—";
  if (usd === 0) return "$0";
  const sign = usd < 0 ? "-" : "";
  const amount = Math.abs(usd);
  const digits = amount >= 1 ? 2 : amount >= 0.0001 ? 4 : Math.min(12, 1 - Math.floor(Math.log10(amount)));
  const [whole, fraction] = amount.toFixed(digits).split(".");
  return `${sign}$${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${fraction}`;
}

/**
 * A cost as a list or header shows it: "$0.0123"; "unpriced" when only models without a price had
 * tokens (never "$0"); "$0.0123 + unpriced" when some had a price and some not; "—" without usage.
 */
export function costText(costUsd: number | null | undefined, unpriced: boolean): string {
  const priced = typeof costUsd === "number";
  if (priced && unpriced) return `${formatUsd(costUsd)} + unpriced`;
  if (priced) return formatUsd(costUsd);
  return unpriced ? "unpriced" : "—";
}
