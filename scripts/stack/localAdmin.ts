import { ADMIN_CLAIM } from "@agent-traces/store";
import { LOCAL_ADMIN } from "../../viewer/src/localAdmin.js";
import { hostPort, type Endpoint } from "./emulatorPorts.js";

/** The custom claims that let the local admin read traces and reports under firestore.rules. */
const ADMIN_CLAIMS = { [ADMIN_CLAIM]: true };

/**
 * Makes LOCAL_ADMIN an email+password user with ADMIN_CLAIMS in the Auth emulator at `auth`.
 * Idempotent: an existing account is brought to the same state. Throws a message naming the step that failed.
 */
export async function ensureLocalAdmin(auth: Endpoint, projectId: string): Promise<void> {
  const accounts = `http://${hostPort(auth)}/identitytoolkit.googleapis.com/v1/projects/${projectId}/accounts`;
  const { uid: localId, email, password } = LOCAL_ADMIN;
  const fail = (step: string, reason: string) => new Error(`Could not ${step} the local admin ${email} in the Auth emulator at ${hostPort(auth)}: ${reason}`);

  // signUp as the project owner may choose the localId but ignores customAttributes; accounts:update
  // sets the claims (and resets email and password of an account that was there already).
  const created = await postAsOwner(accounts, { localId, email, password });
  if (!created.ok && !created.text.includes("DUPLICATE_LOCAL_ID")) throw fail("create", created.text);
  const updated = await postAsOwner(`${accounts}:update`, { localId, email, password, customAttributes: JSON.stringify(ADMIN_CLAIMS) });
  if (!updated.ok) throw fail("set the admin claim of", updated.text);
}

/** POSTs `body` as JSON with the emulator's owner credential; never throws: `text` is the answer, or on failure the status or network error. */
async function postAsOwner(url: string, body: object): Promise<{ ok: boolean; text: string }> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer owner" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { ok: response.ok, text: response.ok ? text : `${response.status} ${text}` };
  } catch (error) {
    const cause = (error as Error).cause;
    return { ok: false, text: `${(error as Error).message}${cause instanceof Error ? ` (${cause.message})` : ""}` };
  }
}
