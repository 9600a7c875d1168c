import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import { MAX_CALL_BYTES } from "@agent-traces/core";
import { logs } from "../logs.js";
import type { InFlightBudget } from "./inFlightBudget.js";

/**
 * The wait a call refused for want of room is told to take, at most (it is told a random wait between
 * half of this and this, so that callers refused together do not come back together). Room frees up
 * as writes settle: usually within tens of milliseconds, at most the write deadline (8 s) later.
 */
export const BUSY_RETRY_AFTER_MS = 1_000;

type AdmittedRequest = Pick<CallableRequest<unknown>, "rawRequest" | "data" | "auth">;

/**
 * The size of a call's request body in bytes: its raw body as received (the Functions Framework and
 * the emulator both keep it), else its Content-Length, else (a call made in-process, without HTTP)
 * its data as JSON.
 */
export function requestBodyBytes(request: Pick<AdmittedRequest, "rawRequest" | "data">): number {
  const raw = (request.rawRequest as Partial<AdmittedRequest["rawRequest"]> | undefined)?.rawBody;
  if (raw) return raw.byteLength;
  const declared = Number(request.rawRequest?.headers?.["content-length"]);
  if (Number.isSafeInteger(declared) && declared >= 0) return declared;
  return Buffer.byteLength(JSON.stringify({ data: request.data ?? null }));
}

/**
 * Runs `call` for a request whose body is `bodyBytes` long, holding those bytes in `budget` until the
 * call and every write it reports through `onWrite` have settled. Before anything of the request is
 * read: a body over MAX_CALL_BYTES is refused as `invalid-argument` (retrying cannot help: send fewer
 * traces per call), and one that does not fit beside the calls under way as `resource-exhausted` with
 * `details.retry_after_ms` (the tracer retries it after that wait).
 */
export async function admitted<T>(
  request: Pick<AdmittedRequest, "auth">,
  bodyBytes: number,
  budget: InFlightBudget,
  call: (onWrite: (write: Promise<unknown>) => void) => Promise<T>,
  { callable = "recordTrace", random = Math.random }: { callable?: "recordTrace" | "recordFeedback"; random?: () => number } = {},
): Promise<T> {
  const uid = request.auth?.uid;
  if (bodyBytes > MAX_CALL_BYTES) {
    logs.callTooLarge(bodyBytes, uid);
    throw new HttpsError(
      "invalid-argument",
      `The request body is ${bodyBytes} bytes, more than the ${MAX_CALL_BYTES} one ${callable} call may carry; ${callable === "recordTrace" ? "send fewer traces per call" : "send a shorter comment or run"}.`,
      { body_bytes: bodyBytes, max_bytes: MAX_CALL_BYTES },
    );
  }
  const release = budget.take(bodyBytes);
  if (!release) {
    const retryAfterMs = Math.round(BUSY_RETRY_AFTER_MS * (0.5 + random() / 2));
    logs.callOverBudget(bodyBytes, budget.bytesInFlight, budget.callsInFlight, retryAfterMs, uid);
    throw new HttpsError(
      "resource-exhausted",
      `This ${callable} instance is holding ${budget.bytesInFlight} bytes of calls under way, and ${bodyBytes} more would pass its ${budget.limitBytes}; send the call again after ${retryAfterMs} ms.`,
      { retry_after_ms: retryAfterMs },
    );
  }
  const writes: Promise<unknown>[] = [];
  try {
    return await call((write) => void writes.push(write));
  } finally {
    void Promise.allSettled(writes).then(release);
  }
}
