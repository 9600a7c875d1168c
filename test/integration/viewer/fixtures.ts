/**
 * Deterministic runs for the viewer tests, stored as recordTrace stores them (sanitized, through
 * toTraceDocument) with firebase-admin, and the oracle for what a filtered list must show.
 */
import { Timestamp } from "firebase-admin/firestore";
import { omitContent, sanitizeTrace, type KeptFor, type ModelUsage, type TraceInput } from "@agent-traces/core";
import { traceSchema } from "../../../packages/core/src/schema.js";
import { TRACES_COLLECTION, toTraceDocument, type TraceDocument } from "@agent-traces/admin";
import { FEEDBACK_COLLECTION, type FeedbackCounts } from "@agent-traces/store";
import { adminFirestore } from "../support/emulators.js";

export type Status = "success" | "error" | "timeout";

export interface SeedTool {
  name: string;
  /** From the run's start to the call's start. */
  offsetMs: number;
  durationMs: number;
  isError?: boolean;
  input?: Record<string, string>;
  output?: string;
}

export interface ViewerSeed {
  id: string;
  startedAt: Date;
  durationMs: number;
  status: Status;
  skill: string;
  user: string;
  iterations?: number;
  tools?: SeedTool[];
  finalOutput?: string;
  /** metadata.error */
  error?: string;
  metadata?: Record<string, string | number>;
  /** expire_at in the past (the TTL policy may delete it any time now). */
  expired?: boolean;
  toolTracesDropped?: number;
  toolTracesShortened?: number;
  sampleRate?: number;
  /** kept_for; defaults as recordTrace's (its status for a failure, `sampled` for a success). The weight follows from it and sampleRate. */
  keptFor?: KeptFor;
  /** received_at; defaults to the run's end. */
  receivedAt?: Date;
  /** Token usage per model; none by default. Priced with DEFAULT_PRICES (toTraceDocument's default) when stored. */
  usage?: ModelUsage[];
  /** recorded_by, the signed-in caller that sent it; defaults to `user` (a run sent by the user it names). */
  recordedBy?: string;
  /** false: stored as with content capture off (core's omitContent before sanitizing, as recordTrace does). */
  contentCaptured?: false;
  /** session_id: the conversation the run belongs to. */
  session?: string;
  /** The run's rating counts, as recordFeedback keeps them (negative_feedback set when down > 0). */
  feedback?: FeedbackCounts;
}

const MINUTE = 60_000;
/** Runs kept this long never expire during a test run. */
const LONG_TTL_DAYS = 3650;

/** A valid, recognisable trace id: "7e57" then `n` in hex. */
export function traceIdFor(n: number): string {
  return `7e57${n.toString(16).padStart(28, "0")}`;
}

/** `minutes` after `base`. */
export function minutesAfter(base: Date, minutes: number): Date {
  return new Date(base.getTime() + minutes * MINUTE);
}

/** The stored document of `seed`, exactly as recordTrace would store it (sanitized, Timestamps, server fields). */
export function documentOf(seed: ViewerSeed): TraceDocument {
  const started = seed.startedAt.getTime();
  const input: TraceInput = {
    trace_id: seed.id,
    user_id: seed.user,
    skill: seed.skill,
    started_at: seed.startedAt.toISOString(),
    ended_at: new Date(started + seed.durationMs).toISOString(),
    iterations: seed.iterations ?? 1,
    tool_traces: (seed.tools ?? []).map((tool) => ({
      name: tool.name,
      input: tool.input ?? {},
      output: tool.output ?? "",
      duration_ms: tool.durationMs,
      is_error: tool.isError ?? false,
      timestamp: new Date(started + tool.offsetMs).toISOString(),
    })),
    tool_traces_dropped: seed.toolTracesDropped ?? 0,
    tool_traces_shortened: seed.toolTracesShortened ?? 0,
    final_output: seed.finalOutput ?? `Output of run ${seed.id.slice(-4)}.`,
    status: seed.status,
    metadata: { ...seed.metadata, ...(seed.error ? { error: seed.error } : {}) },
    ...(seed.usage ? { usage: seed.usage } : {}),
    ...(seed.session !== undefined ? { session_id: seed.session } : {}),
  };
  const trace = traceSchema.parse(input);
  const document = toTraceDocument(sanitizeTrace(seed.contentCaptured === false ? omitContent(trace) : trace), {
    recordedBy: seed.recordedBy ?? seed.user,
    receivedAt: seed.receivedAt ?? new Date(started + seed.durationMs),
    ttlDays: LONG_TTL_DAYS,
    sampleRate: seed.sampleRate ?? 0.1,
    ...(seed.keptFor ? { keptFor: seed.keptFor } : {}),
  });
  if (seed.expired) document.expire_at = Timestamp.fromMillis(Date.now() - 60 * MINUTE);
  if (seed.feedback) {
    document.feedback = seed.feedback;
    if (seed.feedback.down > 0) document.negative_feedback = true;
  }
  // Stored as the commit that created it would leave it: committed when it arrived.
  document.committed_at = document.received_at;
  return document;
}

/** Stores the runs with firebase-admin (bulk, fast). */
export async function seedRuns(seeds: readonly ViewerSeed[]): Promise<void> {
  const db = adminFirestore();
  const writer = db.bulkWriter();
  for (const seed of seeds) void writer.create(db.collection(TRACES_COLLECTION).doc(seed.id), documentOf(seed));
  await writer.close();
}

/** One rating of a seeded run, as recordFeedback stores it in trace_feedback. */
export interface FeedbackSeed {
  run: ViewerSeed;
  ratedBy: string;
  rating: "up" | "down";
  value?: number;
  comment?: string;
  tags?: string[];
  createdAt: Date;
  /** Defaults to createdAt (rated once). */
  updatedAt?: Date;
}

/** Stores the ratings in trace_feedback under recordFeedback's ids (`<trace_id>:<rater, percent-encoded>`); the runs' counts are the seeds' `feedback`. */
export async function seedFeedback(ratings: readonly FeedbackSeed[]): Promise<void> {
  const db = adminFirestore();
  const writer = db.bulkWriter();
  for (const rating of ratings) {
    const run = documentOf(rating.run);
    void writer.create(db.collection(FEEDBACK_COLLECTION).doc(`${rating.run.id}:${encodeURIComponent(rating.ratedBy)}`), {
      trace_id: rating.run.id,
      rated_by: rating.ratedBy,
      run_recorded_by: run.recorded_by,
      rating: rating.rating,
      ...(rating.value !== undefined ? { value: rating.value } : {}),
      ...(rating.comment !== undefined ? { comment: rating.comment } : {}),
      ...(rating.tags !== undefined ? { tags: rating.tags } : {}),
      user_id: run.user_id,
      skill: run.skill,
      ...(run.session_id !== undefined ? { session_id: run.session_id } : {}),
      run_status: run.status,
      run_started_at: run.started_at,
      created_at: Timestamp.fromDate(rating.createdAt),
      updated_at: Timestamp.fromDate(rating.updatedAt ?? rating.createdAt),
      expire_at: run.expire_at,
      schema_version: 1,
    });
  }
  await writer.close();
}

export interface ListQuery {
  status?: string;
  skill?: string;
  user?: string;
  /** Started at or after (inclusive). */
  from?: string;
  /** Started before (exclusive). */
  to?: string;
}

/** The query of a list URL's search string. */
export function listQueryOf(search: string): ListQuery {
  const params = new URLSearchParams(search);
  const query: ListQuery = {};
  for (const name of ["status", "skill", "user", "from", "to"] as const) {
    const value = params.get(name);
    if (value) query[name] = value;
  }
  return query;
}

/** The oracle: the ids a list filtered by `query` shows, newest first (ties: higher id first). */
export function expectedIds(seeds: readonly ViewerSeed[], query: ListQuery = {}): string[] {
  const from = query.from ? Date.parse(query.from) : -Infinity;
  const to = query.to ? Date.parse(query.to) : Infinity;
  return seeds
    .filter((seed) => (!query.status || seed.status === query.status) && (!query.skill || seed.skill === query.skill) && (!query.user || seed.user === query.user))
    .filter((seed) => seed.startedAt.getTime() >= from && seed.startedAt.getTime() < to)
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || (a.id < b.id ? 1 : -1))
    .map((seed) => seed.id);
}

/** `stored` runs with five tool calls each, a second apart, of every status (also what bench B9 loads). */
export function manyRuns(stored: number): ViewerSeed[] {
  return Array.from({ length: stored }, (_, i) => ({
    id: traceIdFor(0x9000 + i),
    startedAt: minutesAfter(new Date("2026-11-28T12:00:00.000Z"), -i / 60),
    durationMs: 2_000 + (i % 17) * 100,
    status: i % 10 === 0 ? "error" : i % 25 === 0 ? "timeout" : "success",
    skill: ["planning", "search", "summarize"][i % 3]!,
    user: `user-${i % 40}`,
    iterations: 1 + (i % 5),
    tools: Array.from({ length: 5 }, (_, t) => ({ name: `tool_${t}`, offsetMs: t * 300, durationMs: 250, input: { q: `query ${i}-${t}` }, output: `result ${i}-${t} `.repeat(10) })),
    ...(i % 10 === 0 ? { error: `failure ${i}` } : {}),
  }));
}
