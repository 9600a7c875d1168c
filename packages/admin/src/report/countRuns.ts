import { AggregateField, type Firestore } from "firebase-admin/firestore";
import { buildReportQuery, WEIGHT_FIELD, WEIGHT_VARIANCE_FIELD } from "./reportQueries.js";
import type { ReportWindow } from "./reportWindow.js";

export interface RunCounts {
  errors: number;
  timeouts: number;
  /** Successes stored (kept by a rule, sampled or for feedback), not successes that ran. */
  stored_successes: number;
  /** Successes that ran, estimated: the sum of the stored successes' weights (1 / the probability each was kept with), rounded. */
  estimated_successes: number;
  /** The estimate's variance: the sum of the stored successes' weight_variance (weight × (weight − 1)), unrounded. */
  success_variance: number;
  /** Aggregation queries run, each billed at least one document read. */
  aggregations: number;
}

/**
 * Counts a window's runs with aggregation queries only: no document is read. Failures are exact
 * (never sampled out); successes are estimated by summing the weight the server stored with each
 * (see core's runWeight), whatever rates their senders sampled at, and the estimate's variance by
 * summing their weight_variance, in the same aggregation.
 */
export async function countRuns(db: Firestore, window: ReportWindow): Promise<RunCounts> {
  const count = async (status: "error" | "timeout") => (await buildReportQuery(db, window, { kind: "count", status }).count().get()).data().count;
  const [errors, timeouts, successes] = await Promise.all([
    count("error"),
    count("timeout"),
    buildReportQuery(db, window, { kind: "successes" })
      .aggregate({ stored: AggregateField.count(), weight: AggregateField.sum(WEIGHT_FIELD), variance: AggregateField.sum(WEIGHT_VARIANCE_FIELD) })
      .get(),
  ]);
  const { stored, weight, variance } = successes.data();
  return { errors, timeouts, stored_successes: stored, estimated_successes: Math.round(weight), success_variance: variance, aggregations: 3 };
}
