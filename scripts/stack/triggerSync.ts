import type { Endpoint } from "./emulatorPorts.js";
import { firestoreRegistration, loadedFunctions, sendRegistration, type FirestoreRegistration } from "./firestoreTriggers.js";

/** What firebase-tools logs (hub.js) right after it re-enables triggers, a new trigger generation. */
const NEW_GENERATION = "Enabling Cloud Functions triggers";
/** What it logs (functionsEmulator.js) for each Firestore-triggered function it loads and can't register. */
const FIRESTORE_TRIGGER_LOADED = /functions\[[^\]]+\]: function ignored because the firestore emulator does not exist or is not running/;

/** A terminal colour code (firebase-tools colours its labels when it thinks it may). */
const ANSI_COLOR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

export interface FirestoreTriggerSync {
  /** Reads firebase-tools' output: after the first sync(), a reloaded Firestore-triggered function schedules another. */
  observe(text: string): void;
  /** Registers every Firestore trigger the functions emulator has loaded that the Firestore emulator lacks; resolves with all registered so far. */
  sync(): Promise<FirestoreRegistration[]>;
  /**
   * The Firestore emulator restarted (empty): sends it again every registration the stopped one had,
   * without asking the functions emulator (its functions did not change, and under load it may be slow to answer).
   */
  restore(): Promise<FirestoreRegistration[]>;
  /** No sync is scheduled from now on. */
  close(): void;
}

/**
 * Keeps the Firestore emulator's trigger registrations in step with the functions emulator's
 * functions for the stack's lifetime: the first sync() once firebase-tools is ready, then again
 * whenever firebase-tools reloads a Firestore-triggered function (a changed source file, triggers
 * re-enabled under a new key). Syncs run one at a time; a failed later sync goes to `onWarning`.
 */
export function firestoreTriggerSync(
  functions: Endpoint,
  firestore: Endpoint,
  projectId: string,
  events: { onRegistered: (registration: FirestoreRegistration) => void; onWarning: (message: string) => void },
): FirestoreTriggerSync {
  let generation = 0;
  let started = false;
  let closed = false;
  let partialLine = "";
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  /** key -> the registration the running Firestore emulator was sent. */
  const registered = new Map<string, FirestoreRegistration>();
  /** key -> body of a changed trigger already warned about. */
  const warned = new Map<string, string>();

  const syncOnce = async (): Promise<FirestoreRegistration[]> => {
    const wanted = (await loadedFunctions(functions)).flatMap((definition) => firestoreRegistration(definition, projectId, generation) ?? []);
    for (const registration of wanted) {
      const earlier = registered.get(registration.key);
      if (earlier?.body === registration.body) continue;
      if (earlier) {
        // The Firestore emulator keeps the first registration of a key (a PUT or POST again changes
        // nothing, and there is no DELETE): firebase-tools' own Firestore behaves the same way.
        if (warned.get(registration.key) !== registration.body) {
          warned.set(registration.key, registration.body);
          events.onWarning(
            `functions[${registration.functionId}]: its Firestore trigger changed (now on ${registration.document}), but the Firestore emulator keeps what was first registered under ${registration.key} (${earlier.document}): restart the stack to apply the change.`,
          );
        }
        continue;
      }
      await sendRegistration(firestore, registration);
      registered.set(registration.key, registration);
      events.onRegistered(registration);
    }
    return [...registered.values()];
  };
  const sync = () => {
    started = true;
    const next = queue.then(syncOnce);
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    observe: (text) => {
      const lines = (partialLine + text).split("\n");
      partialLine = lines.pop() ?? "";
      for (const line of lines.map((raw) => raw.replace(ANSI_COLOR, ""))) {
        // Logged before the reload starts, and the generation counts up as the reload starts: count it now.
        if (line.includes(NEW_GENERATION)) generation += 1;
        if (started && !closed && FIRESTORE_TRIGGER_LOADED.test(line)) {
          clearTimeout(timer);
          // One sync for a burst of reloaded functions; it never keeps the launcher alive.
          timer = setTimeout(() => void sync().catch((error: unknown) => events.onWarning(`Could not register the reloaded Firestore triggers: ${(error as Error).message}`)), 500).unref();
        }
      }
    },
    sync,
    restore: () => {
      const next = queue.then(async () => {
        for (const registration of registered.values()) await sendRegistration(firestore, registration);
        return [...registered.values()];
      });
      queue = next.catch(() => undefined);
      return next;
    },
    close: () => {
      closed = true;
      clearTimeout(timer);
    },
  };
}
