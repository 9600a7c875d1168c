import { GoogleAuthProvider, onAuthStateChanged, signInWithEmailAndPassword, signInWithPopup, signOut, type User } from "firebase/auth";
import { ADMIN_CLAIM } from "@agent-traces/store";
import { LOCAL_ADMIN } from "../localAdmin.js";
import type { ViewerFirebase } from "./firebaseSetup.js";

export type SignInState =
  | { kind: "admin"; user: User }
  | { kind: "not-admin"; user: User }
  | { kind: "signed-out" };

/** Whether the user's ID token carries the `admin: true` claim the security rules require. */
export async function hasAdminClaim(user: User, forceRefresh = false): Promise<boolean> {
  const { claims } = await user.getIdTokenResult(forceRefresh);
  return claims[ADMIN_CLAIM] === true;
}

/**
 * Signs in: on the emulators, as the local admin the stack creates; on a real project, whoever is
 * signed in already (Google sign-in is offered by `signInWithGoogle`). Resolves with the state.
 */
export async function establishSession(firebase: ViewerFirebase): Promise<SignInState> {
  const { auth } = firebase;
  if (firebase.emulators) {
    const { user } = await signInWithEmailAndPassword(auth, LOCAL_ADMIN.email, LOCAL_ADMIN.password);
    return stateOf(user);
  }
  const user = await new Promise<User | null>((resolve) => {
    const stop = onAuthStateChanged(auth, (current) => {
      stop();
      resolve(current);
    });
  });
  return user ? stateOf(user) : { kind: "signed-out" };
}

export async function signInWithGoogle(firebase: ViewerFirebase): Promise<SignInState> {
  const { user } = await signInWithPopup(firebase.auth, new GoogleAuthProvider());
  // A claim granted since the last token only shows in a fresh one.
  return stateOf(user, true);
}

export async function signOutOf(firebase: ViewerFirebase): Promise<void> {
  await signOut(firebase.auth);
}

async function stateOf(user: User, forceRefresh = false): Promise<SignInState> {
  return (await hasAdminClaim(user, forceRefresh)) ? { kind: "admin", user } : { kind: "not-admin", user };
}
