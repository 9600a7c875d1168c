/** The normal quantile of a two-sided 95% interval: the margin is this many standard errors. */
export const Z_95 = 1.96;

/** The error of the success estimate, from the summed variance of the stored successes (each weight × (weight − 1)). */
export interface EstimateError {
  /** sqrt of the summed variance, rounded to 1 decimal. */
  standard_error: number;
  /** Z_95 × the standard error, rounded to 1 decimal: the estimate ± it covers the true count about 95% of the time. */
  margin_95: number;
}

/**
 * The standard error of a Horvitz-Thompson count (each stored success weighted by 1 / its inclusion
 * probability p, independently kept): its variance is estimated by the sum over the stored ones of
 * (1 − p) / p² = weight × (weight − 1). Pure.
 */
export function estimateError(summedVariance: number): EstimateError {
  const standardError = Math.sqrt(Math.max(0, summedVariance));
  return { standard_error: round1(standardError), margin_95: round1(Z_95 * standardError) };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
