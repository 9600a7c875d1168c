import type { Auth } from "firebase-admin/auth";
import { ADMIN_CLAIM } from "@agent-traces/store";

/** A Firebase Auth user named on the command line: by email, or by uid. */
export type AccountRef = { email: string } | { uid: string };

/** What setAdminClaim did to a user. */
export interface AdminClaimChange {
  uid: string;
  email?: string;
  /** The claim now: true when granted, false when revoked. */
  admin: boolean;
  /** False when the user already was as asked: nothing was written. */
  changed: boolean;
  /** The user's other custom claims, kept as they were. */
  keptClaims: string[];
}

/**
 * Sets (`admin` true) or removes (false) the `admin: true` custom claim of the user `account`
 * names, keeping every other custom claim. A user already as asked is left untouched. Reads then
 * writes: a claim change made by someone else in between is overwritten.
 */
export async function setAdminClaim(auth: Pick<Auth, "getUser" | "getUserByEmail" | "setCustomUserClaims">, account: AccountRef, admin: boolean): Promise<AdminClaimChange> {
  const user = "email" in account ? await auth.getUserByEmail(account.email) : await auth.getUser(account.uid);
  const { [ADMIN_CLAIM]: current, ...others } = user.customClaims ?? {};
  const changed = admin ? current !== true : current !== undefined;
  if (changed) {
    const claims = admin ? { ...others, [ADMIN_CLAIM]: true } : others;
    // null clears the claims altogether: revoking the only claim leaves none.
    await auth.setCustomUserClaims(user.uid, Object.keys(claims).length > 0 ? claims : null);
  }
  return { uid: user.uid, ...(user.email !== undefined ? { email: user.email } : {}), admin, changed, keptClaims: Object.keys(others) };
}
