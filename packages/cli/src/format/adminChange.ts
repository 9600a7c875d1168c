import type { AdminClaimChange } from "../grantAdmin.js";
import { oneLine } from "./text.js";

/** What grant-admin did, in `where` (a target description), with the reminder that a new sign-in is needed. */
export function renderAdminChange(change: AdminClaimChange, where: string): string {
  const who = `${oneLine(change.uid)}${change.email !== undefined ? ` (${oneLine(change.email)})` : ""}`;
  const done = change.changed
    ? `${change.admin ? "Granted the admin claim to" : "Revoked the admin claim of"} user ${who} in ${where}.`
    : `User ${who} in ${where} ${change.admin ? "already has the" : "has no"} admin claim: nothing changed.`;
  const kept = change.keptClaims.length > 0 ? [`Other custom claims kept: ${change.keptClaims.map(oneLine).join(", ")}.`] : [];
  const reminder = `The user must sign out and sign in again for this to take effect: an ID token carries the claims of when it was issued (a session still signed in picks the change up at its next hourly token refresh).`;
  return [done, ...kept, reminder].join("\n") + "\n";
}
