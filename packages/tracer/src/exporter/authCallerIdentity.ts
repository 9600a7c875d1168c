import type { CallerIdentity } from "./CallerIdentity.js";

/** What `firebase/auth` registers as the app's `auth-internal` component (its AuthInterop), as far as used here. */
interface AuthInternal {
  getUid(): string | null;
  addAuthTokenListener(listener: (token: string | null) => void): void;
  removeAuthTokenListener(listener: (token: string | null) => void): void;
}

interface AuthInternalProvider {
  getImmediate(options: { optional: true }): AuthInternal | null;
  get(): Promise<AuthInternal>;
}

/**
 * The user the Functions SDK sends as, read where the SDK itself reads its token: the app's
 * `auth-internal` provider (`app.container`), so no Auth code is bundled with the tracer. Until the
 * app calls getAuth() it is `undefined`; an app without Auth stays there (recordTrace needs a user).
 * `undefined` when the app has no component container (not a Firebase app).
 */
export function authCallerIdentity(app: unknown): CallerIdentity | undefined {
  let provider: AuthInternalProvider | undefined;
  try {
    provider = (app as { container?: { getProvider?(name: string): AuthInternalProvider } } | undefined)?.container?.getProvider?.("auth-internal");
  } catch {
    provider = undefined;
  }
  if (!provider) return undefined;
  let uid: string | null | undefined;
  let auth: AuthInternal | null = null;
  const listeners = new Set<(uid: string | null) => void>();
  const onToken = () => {
    uid = auth?.getUid() ?? null;
    for (const listener of [...listeners]) listener(uid);
  };
  const attach = (found: AuthInternal) => {
    if (auth || listeners.size === 0) return;
    auth = found;
    // Auth calls it once it has restored its state, then on every change of user or token.
    auth.addAuthTokenListener(onToken);
  };
  const connect = () => {
    try {
      const found = provider.getImmediate({ optional: true });
      if (found) attach(found);
      else provider.get().then(attach, () => undefined);
    } catch {
      // No Auth here: the calls go without a user.
    }
  };
  return {
    current: () => uid,
    watch(listener) {
      listeners.add(listener);
      if (listeners.size === 1) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && auth) {
          auth.removeAuthTokenListener(onToken);
          auth = null;
          uid = undefined;
        }
      };
    },
  };
}
