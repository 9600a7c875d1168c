/**
 * A page that leaves before its run is sent, and the page that delivers it on the next load.
 *
 * `?step=leave`: a tracer that would wait a minute before sending runs one failing run and leaves
 * for `/blank.html?trace=<id>&uid=<uid>` the moment the run has ended.
 * `?step=deliver`: creates a tracer as the page loads, before Auth has restored the user the first
 * page left signed in (as an app that creates its tracer at startup would); it sends what the closed
 * page persisted. `testApi` tells what it answered.
 * `?step=unpersisted`: the first step's run with `persist: false`; `testApi.entries()` lists the
 * tracer's localStorage keys after the run and after `pagehide`.
 * `?step=switch`: user A runs the failing run (sent at once, retried while the test keeps the network
 * down); `testApi.switchUser()` signs A out and a new user B in; `testApi.run()` runs it again (as B).
 * `?step=offline`: the failing run with few, short retries, so that they run out while the page stays open.
 */
import { signInAnonymously, signOut } from "firebase/auth";
import { createTracer, type RecordTraceResult, type TraceSendError, type Tracer } from "@agent-traces/tracer";
import { connectFirebase, expose, firebaseClients, showStartError, signIn } from "./firebase.js";
import { LEAVE_ERROR } from "./shared.js";

/** The run that fails: a tool call that works, then one that throws. Resolves with its trace id. */
async function failingRun(tracer: Tracer): Promise<string> {
  let traceId = "";
  await tracer
    .withTrace({ skill: "persist", userId: "leaving-user" }, async (trace) => {
      traceId = trace.traceId;
      trace.incrementIteration();
      await trace.tool("find_hotel", { city: "Lyon" }, async () => "Hotel du Parc");
      trace.incrementIteration();
      await trace.tool("book_hotel", { hotel: "Hotel du Parc" }, async () => {
        throw new Error(LEAVE_ERROR);
      });
    })
    .catch(() => undefined);
  return traceId;
}

/** The tracer's localStorage keys (`agent-traces:`). */
function persistedKeys(): string[] {
  return Array.from({ length: localStorage.length }, (_, index) => localStorage.key(index)!).filter((key) => key.startsWith("agent-traces:"));
}

/** What onError was told, in a form the test can read: the run's id, why (a drop's reason), the message. */
interface ToldError {
  traceId: string;
  reason: string | null;
  message: string;
}

function toldError(error: TraceSendError): ToldError {
  const reason = (error.cause as { reason?: unknown } | undefined)?.reason;
  return { traceId: error.traceId, reason: typeof reason === "string" ? reason : null, message: error.message };
}

try {
  const step = new URLSearchParams(location.search).get("step");
  if (step === "leave") {
    const { functions, uid } = await connectFirebase();
    const tracer = createTracer({ functions, scheduledDelayMs: 60_000 });
    const traceId = await failingRun(tracer);
    location.href = `/blank.html?trace=${traceId}&uid=${uid}`;
  } else if (step === "deliver") {
    const { auth, functions } = firebaseClients();
    const sent: RecordTraceResult[] = [];
    const errors: string[] = [];
    const tracer = createTracer({ functions, onSent: (result) => sent.push(result), onError: (error) => errors.push(error.message) });
    const uid = await signIn(auth);
    expose({ uid: () => uid, sent: () => sent, errors: () => errors, flush: (timeoutMs: number) => tracer.flush(timeoutMs) });
  } else if (step === "unpersisted") {
    const { functions } = await connectFirebase();
    const tracer = createTracer({ functions, scheduledDelayMs: 60_000, persist: false, onError: () => undefined });
    const traceId = await failingRun(tracer);
    const afterRun = persistedKeys();
    dispatchEvent(new PageTransitionEvent("pagehide", { persisted: false }));
    expose({ traceId: () => traceId, entries: () => ({ afterRun, afterPagehide: persistedKeys() }) });
  } else if (step === "switch") {
    const { auth, functions, uid } = await connectFirebase();
    const errors: ToldError[] = [];
    const sent: RecordTraceResult[] = [];
    const tracer = createTracer({ functions, scheduledDelayMs: 0, onError: (error) => errors.push(toldError(error)), onSent: (result) => sent.push(result) });
    const traceId = await failingRun(tracer);
    expose({
      uid: () => uid,
      traceId: () => traceId,
      errors: () => errors,
      sent: () => sent,
      switchUser: async () => {
        await signOut(auth);
        return (await signInAnonymously(auth)).user.uid;
      },
      run: () => failingRun(tracer),
      flush: (timeoutMs: number) => tracer.flush(timeoutMs),
      stats: () => tracer.stats,
    });
  } else if (step === "offline") {
    const { functions, uid } = await connectFirebase();
    const errors: ToldError[] = [];
    const tracer = createTracer({ functions, scheduledDelayMs: 0, retry: { attempts: 2, initialDelayMs: 200, maxDelayMs: 200 }, onError: (error) => errors.push(toldError(error)) });
    const traceId = await failingRun(tracer);
    expose({ uid: () => uid, traceId: () => traceId, errors: () => errors, flush: (timeoutMs: number) => tracer.flush(timeoutMs) });
  } else {
    throw new Error(`unknown step ${step}`);
  }
} catch (error) {
  showStartError(error);
}
