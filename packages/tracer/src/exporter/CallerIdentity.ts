/** Who an exporter sends as: the signed-in user whose token goes with each call. */
export interface CallerIdentity {
  /** The uid; `null` when no user is signed in; `undefined` until Auth has restored its state. */
  current(): string | null | undefined;
  /**
   * Calls `listener` with the uid once Auth has restored its state and after each sign-in, sign-out
   * or token refresh (so maybe with the same uid again). Returns what stops it.
   */
  watch(listener: (uid: string | null) => void): () => void;
}
