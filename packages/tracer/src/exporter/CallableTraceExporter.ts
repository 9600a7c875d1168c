import { escapeWireKeys, type FeedbackInput, type KeepRules, type RecordFeedbackResult, type RecordTraceBatchItemResult, type SanitizedTrace } from "@agent-traces/core";
import { httpsCallable, type Functions, type HttpsCallable } from "firebase/functions";
import { UnexpectedResponseError } from "../errors.js";
import { callerIdentity } from "#platform";
import type { CallerIdentity } from "./CallerIdentity.js";
import type { ExportContext, TraceExporter } from "./TraceExporter.js";

/** How long one recordTrace call may take by default; recordTrace gives up on its write before this. */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

export interface CallableTraceExporterOptions {
  /** The callable's name. Default `recordTrace`. */
  name?: string;
  /** The feedback callable's name. Default `recordFeedback`. */
  feedbackName?: string;
  /** How long one call may take before it fails with `functions/deadline-exceeded`. */
  timeoutMs?: number;
}

/**
 * Sends batches of traces to the `recordTrace` callable function (its batch form), and ratings to
 * `recordFeedback`, through the Firebase JS SDK, keys the callable protocol cannot carry (`"@type"`,
 * `hasOwnProperty`) escaped (core's wireKeys). In a browser its `caller` is the app's signed-in Auth
 * user, whose token the SDK sends.
 */
export class CallableTraceExporter implements TraceExporter {
  private readonly recordTrace: HttpsCallable<{ traces: readonly SanitizedTrace[]; sample_rate: number; keep_rules?: KeepRules }, unknown>;
  private readonly recordFeedback: HttpsCallable<FeedbackInput, RecordFeedbackResult>;
  readonly caller: CallerIdentity | undefined;
  /** Set once a recordTrace older than keep rules refused `keep_rules`: later batches go without them. */
  private serverWithoutKeepRules = false;

  constructor(functions: Functions, options: CallableTraceExporterOptions = {}) {
    this.caller = callerIdentity(functions.app);
    this.recordTrace = httpsCallable(functions, options.name ?? "recordTrace", { timeout: options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS });
    this.recordFeedback = httpsCallable(functions, options.feedbackName ?? "recordFeedback", { timeout: options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS });
  }

  async export(traces: readonly SanitizedTrace[], { sampleRate, keepRules }: ExportContext): Promise<RecordTraceBatchItemResult[]> {
    const batch = { traces: escapeWireKeys(traces), sample_rate: sampleRate };
    let answer: { data: unknown };
    try {
      answer = await this.recordTrace(this.serverWithoutKeepRules ? batch : { ...batch, keep_rules: keepRules });
    } catch (error) {
      // A recordTrace deployed before keep rules refuses the field, the whole batch with it: sent again without.
      if (this.serverWithoutKeepRules || !refusesKeepRules(error)) throw error;
      this.serverWithoutKeepRules = true;
      answer = await this.recordTrace(batch);
    }
    const { data } = answer;
    // Each answer's shape is checked by the processor; no schema library here, so that the browser build stays small.
    const results = (data as { results?: unknown } | null)?.results;
    if (!Array.isArray(results) || results.length !== traces.length) throw new UnexpectedResponseError(data);
    return results as RecordTraceBatchItemResult[];
  }

  /** Sends one rating (the answer's shape is checked by the tracer); without `keep_rules` to a recordTrace older than them. */
  async sendFeedback(feedback: FeedbackInput): Promise<RecordFeedbackResult> {
    const { keep_rules: _rules, ...withoutRules } = feedback;
    return (await this.recordFeedback(escapeWireKeys(this.serverWithoutKeepRules ? withoutRules : feedback))).data;
  }
}

/** Whether a call failed `invalid-argument` naming `keep_rules` (an older recordTrace's "unknown field"). */
function refusesKeepRules(error: unknown): boolean {
  const { code, details } = (error ?? {}) as { code?: unknown; details?: { fields?: unknown } };
  return code === "functions/invalid-argument" && Array.isArray(details?.fields) && details.fields.includes("keep_rules");
}
