#!/usr/bin/env node
import type { Auth } from "firebase-admin/auth";
import type { Firestore } from "firebase-admin/firestore";
import { writeFile } from "node:fs/promises";
import { buildErrorReport, countErasable, eraseInProcess, exportUserFeedback, exportUserTraces, getTrace, previousFullHours, TRACES_COLLECTION, windowStartingAt, type ErasureScope } from "@agent-traces/admin";
import { raceTimeout } from "@agent-traces/core";
import { toOtlpJson } from "@agent-traces/otel";
import { parseCommand, UsageError, type Command, type DeleteScope } from "./args.js";
import { renderAdminChange } from "./format/adminChange.js";
import { renderErasureDone, renderErasurePlan } from "./format/erasure.js";
import { renderFeedback } from "./format/feedback.js";
import { renderHeader } from "./format/header.js";
import { renderReport } from "./format/report.js";
import { renderSessionTable } from "./format/sessions.js";
import { styleFor } from "./format/style.js";
import { renderTraceTable } from "./format/table.js";
import { oneLine, terminalJson } from "./format/text.js";
import { renderWaterfall } from "./format/waterfall.js";
import { setAdminClaim } from "./grantAdmin.js";
import { USAGE } from "./help.js";
import { runInit } from "./init/run.js";
import { findRunFeedback, findTraces, findUserSessions } from "./query.js";
import { connect, connectAuth, ConnectionError, describeTarget, readRepoFirebaseJson, resolveTarget, type Target } from "./target.js";

const QUERY_TIMEOUT_MS = 30_000;
const REPORT_MAX_FAILURES_READ = 2000;
const REPORT_MAX_USAGE_READ = 2000;

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv, new Date());
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message);
    throw error;
  }
  if (command.kind === "help") {
    await write(process.stdout, USAGE);
    return 0;
  }
  if (command.kind === "init") {
    const outcome = runInit(command);
    await write(process.stdout, outcome.stdout);
    await write(process.stderr, outcome.stderr);
    return outcome.code;
  }
  const target = resolveTarget(command.project, process.env, readRepoFirebaseJson(), command.kind === "grant-admin" ? "auth" : "firestore");
  try {
    const noAnswer = `no answer from ${describeTarget(target)} within ${QUERY_TIMEOUT_MS / 1000}s`;
    if (command.kind === "grant-admin") return await settle(grantAdmin(command, await connectAuth(target), target), noAnswer, QUERY_TIMEOUT_MS);
    const db = await connect(target);
    // Deleting or exporting all of a user's traces may take long: those have a deadline for their first read only.
    const unbounded = command.kind === "delete" || command.kind === "export-user";
    if (unbounded) await settle(db.collection(TRACES_COLLECTION).select().limit(1).get(), noAnswer, QUERY_TIMEOUT_MS);
    return await settle(execute(command, db, target), noAnswer, unbounded ? undefined : QUERY_TIMEOUT_MS);
  } catch (error) {
    return fail(describeError(error, target));
  }
}

/** Sets or removes the admin claim and says so; an unknown user is one line on stderr. */
async function grantAdmin(command: Extract<Command, { kind: "grant-admin" }>, auth: Auth, target: Target): Promise<number> {
  try {
    await write(process.stdout, renderAdminChange(await setAdminClaim(auth, command.account, !command.revoke), describeTarget(target)));
    return 0;
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== "auth/user-not-found") throw error;
    const [by, value] = "email" in command.account ? ["email", command.account.email] : ["uid", command.account.uid];
    return fail(`no user with ${by} ${value} in ${describeTarget(target)}`);
  }
}

async function execute(command: Exclude<Command, { kind: "help" | "grant-admin" | "init" }>, db: Firestore, target: Target): Promise<number> {
  const style = styleFor(process.stdout, process.env);
  const columns = process.stdout.isTTY ? process.stdout.columns : 160;
  if (command.kind === "list") {
    const { traces, more } = await findTraces(db, command.filters);
    const byCost = command.filters.sort === "cost";
    const moreHint =
      command.filters.session !== undefined ? "later runs of the session may exist (raise --limit up to 100)" : byCost ? "cheaper runs may exist (raise --limit up to 100)" : undefined;
    await write(process.stdout, command.json ? json(traces) : renderTraceTable(traces, { style, more, byCost, ...(moreHint ? { moreHint } : {}) }));
    return 0;
  }
  if (command.kind === "sessions") {
    const { sessions, more } = await findUserSessions(db, command.user, command.limit);
    await write(process.stdout, command.json ? json(sessions) : renderSessionTable(sessions, { style, more }));
    return 0;
  }
  if (command.kind === "report") {
    const window = command.windowStart ? windowStartingAt(command.windowStart, command.hours) : previousFullHours(new Date(), command.hours);
    const report = await buildErrorReport(db, {
      window,
      maxFailuresRead: REPORT_MAX_FAILURES_READ,
      maxUsageRead: REPORT_MAX_USAGE_READ,
    });
    await write(process.stdout, command.json ? json(report) : renderReport(report, { style }));
    return 0;
  }
  if (command.kind === "delete") {
    const scope = erasureScope(command.scope);
    if (!command.yes) {
      await write(process.stdout, renderErasurePlan(command.scope, await countErasable(db, scope), describeTarget(target)));
      return 0;
    }
    const { id, receipt } = await eraseInProcess(db, scope);
    await write(process.stdout, renderErasureDone(command.scope, id, receipt, describeTarget(target)));
    return 0;
  }
  if (command.kind === "export-user") {
    const records: unknown[] = command.feedback ? await exportUserFeedback(db, command.user) : await exportUserTraces(db, command.user);
    if (command.out === undefined) {
      await write(process.stdout, json(records));
      return 0;
    }
    await writeFile(command.out, `${JSON.stringify(records, null, 2)}\n`);
    const noun = command.feedback ? (records.length === 1 ? "rating" : "ratings") : records.length === 1 ? "trace" : "traces";
    await write(process.stdout, `Wrote ${records.length} ${noun} of user ${JSON.stringify(oneLine(command.user))} from ${describeTarget(target)} to ${oneLine(command.out)}.\n`);
    return 0;
  }
  const trace = await getTrace(db, command.traceId);
  if (!trace) return fail(`no trace ${command.traceId} in ${describeTarget(target)}`);
  if (command.kind === "export") {
    await write(process.stdout, json(command.format === "otlp" ? toOtlpJson(trace) : trace));
    return 0;
  }
  if (command.json) {
    await write(process.stdout, json(trace));
    return 0;
  }
  const feedback = await findRunFeedback(db, trace.trace_id);
  const ratings = renderFeedback(feedback, { style, columns, sender: trace.recorded_by });
  await write(process.stdout, `${renderHeader(trace, { style, columns })}${ratings ? `\n${ratings}` : ""}\n${renderWaterfall(trace, { style, columns })}`);
  return 0;
}

/** The CLI's scope as admin's: a user by uid, or traces started before an instant. */
function erasureScope(scope: DeleteScope): ErasureScope {
  return "user" in scope ? { kind: "user", uid: scope.user } : { kind: "before", before: scope.before };
}

function json(value: unknown): string {
  return `${terminalJson(value)}\n`;
}

/** One line on stderr, exit code 1. */
async function fail(message: string): Promise<number> {
  await write(process.stderr, `agent-traces: ${oneLine(message)}\n`);
  return 1;
}

function describeError(error: unknown, target: Target): string {
  if (error instanceof ConnectionError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  // gRPC errors carry a numeric code ("14 UNAVAILABLE: …", "7 PERMISSION_DENIED: …"); keep their first line.
  const firstLine = message.split("\n").find((line) => line.trim() !== "") ?? "unknown error";
  const hint = /default credentials/i.test(firstLine) ? " (run `gcloud auth application-default login`)" : "";
  return `${describeTarget(target)}: ${firstLine}${hint}`;
}

/**
 * `promise`, or a failure after `timeoutMs` (none when undefined), or the first rejection nobody
 * handled: the Google client libraries raise some (missing credentials) outside the promise of the query.
 */
function settle<T>(promise: Promise<T>, timeoutMessage: string, timeoutMs: number | undefined): Promise<T> {
  let onStray: ((reason: unknown) => void) | undefined;
  const stray = new Promise<never>((_, reject) => {
    onStray = reject;
    process.once("unhandledRejection", reject);
  });
  const timedOut = () => {
    throw new ConnectionError(timeoutMessage);
  };
  const raced = Promise.race([promise, stray]);
  return (timeoutMs === undefined ? raced : raceTimeout(raced, timeoutMs, timedOut)).finally(() => process.removeListener("unhandledRejection", onStray!));
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

// stderr carries one line per failure: no Node warnings (google-auth warns when it finds no metadata server).
process.removeAllListeners("warning");
// Exit explicitly once the output is flushed: the Firestore client keeps handles open.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`agent-traces: internal error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`, () => process.exit(1));
  },
);
