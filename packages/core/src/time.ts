/** Milliseconds in an hour. */
export const HOUR_MS = 3_600_000;
/** Milliseconds in a day. */
export const DAY_MS = 86_400_000;

/** The first and last instants a Firestore Timestamp can hold (years 0001 to 9999). */
export const FIRST_FIRESTORE_INSTANT = Date.parse("0001-01-01T00:00:00Z");
export const LAST_FIRESTORE_INSTANT = Date.parse("9999-12-31T23:59:59.999Z");
