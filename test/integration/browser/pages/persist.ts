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
 */
import { createTracer, type RecordTraceResult, type Tracer } from "@agent-traces/tracer";
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
  } else {
    throw new Error(`unknown step ${step}`);
  }
} catch (error) {
  showStartError(error);
}
