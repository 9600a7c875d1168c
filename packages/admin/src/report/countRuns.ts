import type { Firestore } from "firebase-admin/firestore";
import { buildReportQuery } from "./reportQueries.js";
import type { ReportWindow } from "./reportWindow.js";

export interface RunCounts {
  errors: number;
  timeouts: number;
  /** Successes stored (sampled), not successes that ran. */
  stored_successes: number;
  /** Successes that ran, estimated by weighting each stored one by 1 / its sample rate; null when unknowable (rate 0). */
  estimated_successes: number | null;
  /** count() aggregations run, each billed at least one document read. */
  aggregations: number;
}

/**
 * Counts a window's runs with count() aggregations only: no document is read. Failures are exact
 * (never sampled out); successes are estimated from the sample rates they were stored at.
 * `sampleRates` are the rates known to be in force (from the failures read and the configuration);
 * stored successes at any other rate are weighted with `fallbackRate`.
 */
export async function countRuns(db: Firestore, window: ReportWindow, sampleRates: readonly number[], fallbackRate: number): Promise<RunCounts> {
  const count = async (query: Parameters<typeof buildReportQuery>[2]) => (await buildReportQuery(db, window, query).count().get()).data().count;
  const [errors, timeouts, storedSuccesses] = await Promise.all([
    count({ kind: "count", status: "error" }),
    count({ kind: "count", status: "timeout" }),
    count({ kind: "count", status: "success" }),
  ]);
  let aggregations = 3;
  const rates = [...new Set(sampleRates)].filter((rate) => rate > 0);

  let estimated: number | null;
  if (storedSuccesses === 0) estimated = 0;
  else if (rates.length <= 1) {
    const rate = rates[0] ?? (fallbackRate > 0 ? fallbackRate : undefined);
    estimated = rate ? storedSuccesses / rate : null;
  } else {
    const perRate = await Promise.all(rates.map((sampleRate) => count({ kind: "countAtRate", sampleRate })));
    aggregations += rates.length;
    const accounted = perRate.reduce((sum, stored) => sum + stored, 0);
    const unaccounted = storedSuccesses - accounted;
    estimated = perRate.reduce((sum, stored, index) => sum + stored / rates[index]!, 0);
    if (unaccounted > 0) estimated = fallbackRate > 0 ? estimated + unaccounted / fallbackRate : null;
  }
  return { errors, timeouts, stored_successes: storedSuccesses, estimated_successes: estimated === null ? null : Math.round(estimated), aggregations };
}
