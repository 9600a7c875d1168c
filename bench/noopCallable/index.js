// B3's anchor: a callable that does nothing. A functions codebase of its own, loaded only by the
// stack `npm run bench` starts (scripts/stack.ts exec --bench), never by firebase.json or a deploy.
import { onCall } from "firebase-functions/v2/https";

export const benchNoop = onCall(() => null);
