import { strict as assert } from "node:assert";
import type { Auth, UserRecord } from "firebase-admin/auth";
import { renderAdminChange } from "../../packages/cli/src/format/adminChange.js";
import { setAdminClaim } from "../../packages/cli/src/grantAdmin.js";

type AuthCalls = Pick<Auth, "getUser" | "getUserByEmail" | "setCustomUserClaims">;

/** An Auth with one user in memory, recording what was written. */
function fakeAuth(user: { uid: string; email?: string; customClaims?: Record<string, unknown> }) {
  const writes: (object | null)[] = [];
  const record = () => ({ ...user }) as unknown as UserRecord;
  const notFound = () => Object.assign(new Error("There is no user record corresponding to the provided identifier."), { code: "auth/user-not-found" });
  const auth: AuthCalls = {
    getUser: async (uid) => (uid === user.uid ? record() : Promise.reject(notFound())),
    getUserByEmail: async (email) => (email === user.email ? record() : Promise.reject(notFound())),
    setCustomUserClaims: async (uid, claims) => {
      assert.equal(uid, user.uid);
      writes.push(claims);
      user.customClaims = claims === null ? undefined : { ...(claims as Record<string, unknown>) };
    },
  };
  return { auth, writes, user };
}

describe("cli: grant-admin", () => {
  it("sets admin: true by email, keeping the other custom claims", async () => {
    const { auth, writes } = fakeAuth({ uid: "u1", email: "ops@example.com", customClaims: { team: "sre", level: 3 } });
    const change = await setAdminClaim(auth, { email: "ops@example.com" }, true);
    assert.deepEqual(change, { uid: "u1", email: "ops@example.com", admin: true, changed: true, keptClaims: ["team", "level"] });
    assert.deepEqual(writes, [{ team: "sre", level: 3, admin: true }]);
  });

  it("removes the claim by uid, keeping the others, and clears the claims when it was the only one", async () => {
    const kept = fakeAuth({ uid: "u1", customClaims: { admin: true, team: "sre" } });
    assert.deepEqual(await setAdminClaim(kept.auth, { uid: "u1" }, false), { uid: "u1", admin: false, changed: true, keptClaims: ["team"] });
    assert.deepEqual(kept.writes, [{ team: "sre" }]);
    const only = fakeAuth({ uid: "u2", customClaims: { admin: true } });
    await setAdminClaim(only.auth, { uid: "u2" }, false);
    assert.deepEqual(only.writes, [null]);
  });

  it("writes nothing when the user already is as asked, and replaces an admin claim that is not exactly true", async () => {
    const already = fakeAuth({ uid: "u1", customClaims: { admin: true } });
    assert.equal((await setAdminClaim(already.auth, { uid: "u1" }, true)).changed, false);
    const none = fakeAuth({ uid: "u2" });
    assert.equal((await setAdminClaim(none.auth, { uid: "u2" }, false)).changed, false);
    assert.deepEqual([...already.writes, ...none.writes], []);
    const truthy = fakeAuth({ uid: "u3", customClaims: { admin: "yes" } });
    assert.equal((await setAdminClaim(truthy.auth, { uid: "u3" }, true)).changed, true);
    assert.deepEqual(truthy.writes, [{ admin: true }]);
  });

  it("lets an unknown user's error through", async () => {
    const { auth } = fakeAuth({ uid: "u1" });
    await assert.rejects(setAdminClaim(auth, { email: "nobody@example.com" }, true), { code: "auth/user-not-found" });
  });

  it("says what it did, the claims it kept, and that the user must sign in again", () => {
    const where = "the Auth emulator at 127.0.0.1:9099 (project demo-x)";
    const granted = renderAdminChange({ uid: "u1", email: "ops@example.com", admin: true, changed: true, keptClaims: ["team"] }, where);
    assert.match(granted, /^Granted the admin claim to user u1 \(ops@example\.com\) in the Auth emulator at 127\.0\.0\.1:9099 \(project demo-x\)\.\nOther custom claims kept: team\.\nThe user must sign out and sign in again/);
    assert.match(renderAdminChange({ uid: "u1", admin: false, changed: true, keptClaims: [] }, where), /^Revoked the admin claim of user u1 in .*\.\nThe user must sign out/);
    assert.match(renderAdminChange({ uid: "u1", admin: true, changed: false, keptClaims: [] }, where), /^User u1 in .* already has the admin claim: nothing changed\.\n/);
    assert.match(renderAdminChange({ uid: "u1", admin: false, changed: false, keptClaims: [] }, where), /^User u1 in .* has no admin claim: nothing changed\.\n/);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(renderAdminChange({ uid: "u\u001b[2J", admin: true, changed: true, keptClaims: ["k\n"] }, where), /\u001b|k\n/);
  });
});
