import type { SanitizedTrace } from "@agent-traces/core";

/** A tool that failed in a run: its name and how many of the run's stored calls to it failed. */
export interface FailedTool {
  name: string;
  calls: number;
}

/** A stored trace as the queries return it: instants back as ISO-8601 strings. */
export type StoredTrace = Omit<SanitizedTrace, "content_captured"> & {
  /** false: stored without its content (input and output values, the final output and the error are descriptions); absent: captured. */
  content_captured?: false;
  duration_ms: number | null;
  tool_error_count: number;
  /** Absent on traces stored before the field existed. */
  failed_tools?: FailedTool[];
  recorded_by: string;
  received_at: string;
  /** When the commit that stored it happened (Firestore's clock); absent on traces stored before the field existed. */
  committed_at?: string;
  expire_at: string;
  sample_rate: number;
  /** The runs it stands for (see core's runWeight); absent on traces stored before the field existed. */
  weight?: number;
};
