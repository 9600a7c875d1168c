import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";

/**
 * The signed-in caller's uid for the callable `functionName`; throws `unauthenticated` for anyone else,
 * and for a call without a valid App Check token while `enforceAppCheck` is on.
 */
export function callerUid(request: Pick<CallableRequest<unknown>, "auth" | "app">, enforceAppCheck: boolean, functionName: string): string {
  const uid = request.auth?.uid;
  if (!uid) throw new HttpsError("unauthenticated", `${functionName} needs a signed-in caller (Firebase Auth).`);
  // Checked here rather than with onCall's enforceAppCheck so that the switch is a runtime param.
  // The SDK has already verified any token it was sent: `request.app` is set only for a valid one.
  if (enforceAppCheck && !request.app) {
    throw new HttpsError("unauthenticated", `${functionName} needs a valid App Check token (ENFORCE_APP_CHECK is on).`);
  }
  return uid;
}
