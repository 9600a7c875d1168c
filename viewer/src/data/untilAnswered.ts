import { onSnapshot, type DocumentReference, type DocumentSnapshot, type Query, type QuerySnapshot, type Unsubscribe } from "firebase/firestore";

/** What a one-time read is told while it waits for Firestore's answer. */
export interface UntilAnsweredHandlers<S> {
  /** A snapshot from this browser's cache (offline, or not answered yet); may come again, and before `answered`. */
  cached(snapshot: S): void;
  /** The first snapshot the server confirmed; the listener has stopped. */
  answered(snapshot: S): void;
  failed(error: unknown): void;
}

/**
 * Reads a document once, honestly: unlike getDoc (which, offline, rejects or returns the cache as if
 * it were the answer) it listens with metadata changes until the server confirms a snapshot, telling
 * each cached one as such on the way, then stops. Returns the function that stops it earlier.
 */
export function readDocUntilAnswered(ref: DocumentReference, handlers: UntilAnsweredHandlers<DocumentSnapshot>): Unsubscribe {
  return listenUntilAnswered((observer) => onSnapshot(ref, { includeMetadataChanges: true }, observer), handlers);
}

/** readDocUntilAnswered for a query. */
export function readQueryUntilAnswered(query: Query, handlers: UntilAnsweredHandlers<QuerySnapshot>): Unsubscribe {
  return listenUntilAnswered((observer) => onSnapshot(query, { includeMetadataChanges: true }, observer), handlers);
}

function listenUntilAnswered<S extends { metadata: { fromCache: boolean } }>(
  subscribe: (observer: { next: (snapshot: S) => void; error: (error: unknown) => void }) => Unsubscribe,
  handlers: UntilAnsweredHandlers<S>,
): Unsubscribe {
  let stopped = false;
  const listener: { unsubscribe?: Unsubscribe } = {};
  const stop = () => {
    stopped = true;
    listener.unsubscribe?.();
  };
  listener.unsubscribe = subscribe({
    next: (snapshot) => {
      if (stopped) return;
      if (snapshot.metadata.fromCache) {
        handlers.cached(snapshot);
        return;
      }
      stop();
      handlers.answered(snapshot);
    },
    error: (error) => {
      if (stopped) return;
      stop();
      handlers.failed(error);
    },
  });
  // Stopped by a snapshot delivered during subscribe, before its unsubscribe was known.
  if (stopped) listener.unsubscribe();
  return stop;
}
