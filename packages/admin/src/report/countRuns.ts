import { AggregateField, type Firestore } from "firebase-admin/firestore";
import { buildReportQuery, WEIGHT_FIELD } from "./reportQueries.js";
import type { ReportWindow } from "./reportWindow.js";

export interface RunCounts {
  errors: number;
  timeouts: number;
  /** Successes stored (sampled), not successes that ran. */
  stored_successes: number;
  /** Successes that ran, estimated: the sum of the stored successes' weights (1 / the rate each was kept at). */
  estimated_successes: number;
  /** Aggregation queries run, each billed at least one document read. */
  aggregations: number;
}

/**
 * Counts a window's runs with aggregation queries only: no document is read. Failures are exact
 * (never sampled out); successes are estimated by summing the weight the server stored with each
 * (see core's runWeight), whatever rates their senders sampled at.
 */
export async function countRuns(db: Firestore, window: ReportWindow): Promise<RunCounts> {
  const count = async (status: "error" | "timeout") => (await buildReportQuery(db, window, { kind: "count", status }).count().get()).data().count;
  const [errors, timeouts, successes] = await Promise.all([
    count("error"),
    count("timeout"),
    buildReportQuery(db, window, { kind: "successes" })
      .aggregate({ stored: AggregateField.count(), weight: AggregateField.sum(WEIGHT_FIELD) })
      .get(),
  ]);
  const { stored, weight } = successes.data();
  return { errors, timeouts, stored_successes: stored, estimated_successes: Math.round(weight), aggregations: 3 };
}
