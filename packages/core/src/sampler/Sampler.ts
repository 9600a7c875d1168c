/** Decides from a trace id alone whether a successful run is kept. */
export interface Sampler {
  shouldSample(traceId: string): boolean;
  /** The probability of keeping a trace, used to weight kept traces in estimates. */
  readonly ratio: number;
}
