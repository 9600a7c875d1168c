/** The browser platform (`#platform` under the `browser` condition): no `node:` import and no schema library. */
import { asyncContextVariable } from "../context/asyncContextVariable.js";
import { synchronousContext } from "../context/synchronousContext.js";
import { authCallerIdentity } from "../exporter/authCallerIdentity.js";
import type { HoldOptions } from "../export/holdOptions.js";
import type { CallerIdentity } from "../exporter/CallerIdentity.js";
import { localStorageTraceStore } from "../persist/localStorageTraceStore.js";
import type { TraceStore } from "../persist/TraceStore.js";

export { parseToolTrace, prepareTrace } from "../prepare/shapeCheckingPrepare.js";

export const traceContextStorage = asyncContextVariable() ?? synchronousContext();

/** A page serves one user: their last 25 sampled-out successes for 10 minutes, held for negative feedback. */
export const HOLD_SAMPLED_OUT: HoldOptions = { maxRuns: 25, maxAgeMs: 10 * 60_000 };

/**
 * Who a Firebase app's callable requests go as: its Auth user, followed through Auth's token
 * listener (which keeps the user's token refreshed while followed, as Firestore's does).
 */
export function callerIdentity(app: unknown): CallerIdentity | undefined {
  return authCallerIdentity(app);
}

/** The page's persisted queue (localStorage), where the page may use it. */
export function openTraceStore(namespace: string): TraceStore | undefined {
  return localStorageTraceStore(namespace);
}

/**
 * Calls `onExit` when the page may be about to go: hidden (tab switched, app backgrounded: on mobile
 * the last event a page is sure to get) or `pagehide` (navigated away, closed, put in the back/forward cache).
 */
export function watchPageExit(onExit: () => void): () => void {
  if (typeof document === "undefined" || typeof addEventListener !== "function") return () => undefined;
  const onVisibility = () => {
    if (document.visibilityState === "hidden") onExit();
  };
  document.addEventListener("visibilitychange", onVisibility);
  addEventListener("pagehide", onExit);
  return () => {
    document.removeEventListener("visibilitychange", onVisibility);
    removeEventListener("pagehide", onExit);
  };
}
