import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { DAY_MS } from "@agent-traces/core";
import { REPORTS_COLLECTION } from "@agent-traces/store";
import type { TraceErrorReport } from "./buildReport.js";

/**
 * Stores the report as `trace_reports/{window_start}`: one document per window, so that running
 * the report again for the same window replaces it instead of adding another.
 */
export async function writeErrorReport(db: Firestore, report: TraceErrorReport, ttlDays: number): Promise<string> {
  const generatedAt = new Date(report.generated_at);
  await db
    .collection(REPORTS_COLLECTION)
    .doc(report.window_start)
    .set({
      ...report,
      window_start_at: Timestamp.fromDate(new Date(report.window_start)),
      window_end_at: Timestamp.fromDate(new Date(report.window_end)),
      expire_at: Timestamp.fromMillis(generatedAt.getTime() + ttlDays * DAY_MS),
    });
  return report.window_start;
}
