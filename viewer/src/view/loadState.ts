/**
 * What a page can honestly say about the data it shows. A Firestore snapshot taken from the local
 * cache (`snapshot.metadata.fromCache`) has not been confirmed by the server: the client may be
 * offline or still connecting, so an empty one means "not yet answered", never "none".
 */
export type LoadState = "loading" | "offline" | "empty" | "live";

/** The state of a snapshot holding `count` items: `offline` when it came from the cache, else `empty` or `live`. */
export function loadStateOf(count: number, fromCache: boolean): Exclude<LoadState, "loading"> {
  if (fromCache) return "offline";
  return count === 0 ? "empty" : "live";
}

/** Said while a snapshot from the cache is shown: why what is shown may be incomplete or empty. */
export const OFFLINE_TEXT = "Firestore has not answered yet (offline, or still connecting): what is shown comes from this browser's cache and may be incomplete. It updates by itself once Firestore answers.";
