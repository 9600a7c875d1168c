/** Counts the values a repair rewrote or left out (OpenTelemetry's dropped counts' kin). */
export interface RepairCounter {
  count: number;
}
