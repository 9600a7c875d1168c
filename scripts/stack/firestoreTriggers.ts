import { hostPort, type Endpoint } from "./emulatorPorts.js";

/**
 * firebase-tools registers a function's Firestore trigger only with a Firestore emulator it started
 * itself; the launcher always runs Firestore as a process of its own (plan.ts), so firebase-tools
 * logs each such function as "ignored because the firestore emulator does not exist or is not
 * running" and registers nothing: the launcher registers them instead, with the same requests
 * firebase-tools' functionsEmulator.js sends (addFirestoreTrigger), never twice.
 */

/** A function as the functions emulator lists it (GET /backends: `backends[].functionTriggers[]`); the fields used here. */
export interface EmulatedFunction {
  id: string;
  platform?: string;
  eventTrigger?: {
    eventType: string;
    service?: string;
    channel?: string;
    eventFilters?: Record<string, string>;
    eventFilterPathPatterns?: Record<string, string>;
    [key: string]: unknown;
  };
}

/** One registration with the Firestore emulator: what firebase-tools' addFirestoreTrigger sends for a function. */
export interface FirestoreRegistration {
  functionId: string;
  /** firebase-tools' trigger key, `<function id>-<trigger generation>`: the path the Firestore emulator calls back on. */
  key: string;
  /** The document path (pattern) the trigger watches. */
  document: string;
  method: "PUT" | "POST";
  path: string;
  body: string;
}

/** The functions the functions emulator at `functions` has loaded, from every codebase. */
export async function loadedFunctions(functions: Endpoint): Promise<EmulatedFunction[]> {
  // A busy functions emulator (dozens of workers starting on a loaded machine) can take many seconds to answer.
  const response = await fetch(`http://${hostPort(functions)}/backends`, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`The functions emulator at ${hostPort(functions)} did not list its functions: ${response.status} ${await response.text()}`);
  const { backends } = (await response.json()) as { backends?: { functionTriggers?: EmulatedFunction[] }[] };
  return (backends ?? []).flatMap((backend) => backend.functionTriggers ?? []);
}

/**
 * The registration of a Firestore-triggered function (v1 `providers/cloud.firestore/eventTypes/*`
 * or v2 `google.cloud.firestore.document.v1.*`), or undefined for any other function. `generation`
 * is the functions emulator's trigger generation: 0 from its start, one more each time its triggers
 * are re-enabled (hub PUT /functions/enableBackgroundTriggers).
 */
export function firestoreRegistration(definition: EmulatedFunction, projectId: string, generation: number): FirestoreRegistration | undefined {
  const trigger = definition.eventTrigger;
  // firebase-tools' getFunctionService: a channel means Eventarc; else `service`, else guessed from the event type.
  if (!trigger || trigger.channel) return undefined;
  if ((trigger.service ?? (trigger.eventType.includes("firestore") ? "firestore.googleapis.com" : "")) !== "firestore.googleapis.com") return undefined;
  const key = `${definition.id}-${generation}`;

  if (definition.platform !== "gcfv2") {
    // v1 (signature "event"): getV1FirestoreAttributes, sent with PUT.
    const document = /\/documents\/(.*)$/.exec(String(trigger.resource ?? ""))?.[1] ?? String(trigger.resource ?? "");
    return {
      functionId: definition.id,
      key,
      document,
      method: "PUT",
      path: `/emulator/v1/projects/${projectId}/triggers/${key}`,
      body: JSON.stringify({ eventTrigger: { ...trigger, service: "firestore.googleapis.com" } }),
    };
  }
  // v2 (signature "cloudevent"): getV2FirestoreAttributes, sent with POST.
  const { database, namespace } = trigger.eventFilters ?? {};
  const pattern = trigger.eventFilterPathPatterns?.document;
  const document = pattern ?? trigger.eventFilters?.document;
  if (!database || !namespace || !document) throw new Error(`functions[${definition.id}]: a Firestore trigger without database, namespace or document: ${JSON.stringify(trigger)}`);
  return {
    functionId: definition.id,
    key,
    document,
    method: "POST",
    path: `/emulator/v1/projects/${projectId}/eventarcTrigger?eventarcTriggerId=${key}`,
    body: JSON.stringify({ eventType: trigger.eventType, database, namespace, document: { value: document, matchType: pattern ? "PATH_PATTERN" : "EXACT" } }),
  };
}

/** Sends one registration to the Firestore emulator at `firestore`; throws with its answer when it refuses. */
export async function sendRegistration(firestore: Endpoint, registration: FirestoreRegistration): Promise<void> {
  const response = await fetch(`http://${hostPort(firestore)}${registration.path}`, {
    method: registration.method,
    headers: { "Content-Type": "application/json" },
    body: registration.body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) {
    throw new Error(`The Firestore emulator refused the trigger of functions[${registration.functionId}] (${registration.method} ${registration.path}): ${response.status} ${await response.text()}`);
  }
  await response.body?.cancel();
}
