/** One line of the benchmark table: both sides, their ratio, the target and whether it was met. */
export interface Row {
  id: string;
  name: string;
  ours: string;
  anchor: string;
  ratio: string;
  target: string;
  /** `null` when there is no pass/fail (a computed figure or a row not implemented). */
  met: boolean | null;
  /** What was measured and how, shown under the table. */
  notes: string[];
}

export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatRatio(value: number): string {
  return `${value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toFixed(3)}x`;
}
