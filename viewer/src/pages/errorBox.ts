import { h } from "../dom.js";

/** An error said in words, with what to do about the common ones. */
export function errorBox(error: unknown): HTMLElement {
  const code = typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : "";
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    code === "permission-denied"
      ? "Firestore refused the read: the signed-in account needs the admin claim (npm run traces -- grant-admin <email>), then sign out and in again."
      : code === "failed-precondition"
        ? "Firestore needs an index for this filter: deploy firestore.indexes.json (firebase deploy --only firestore:indexes)."
        : code === "unavailable"
          ? "Firestore cannot be reached: check the connection (or that the local stack is running)."
          : "";
  return h("div", { class: "error-box", "data-testid": "error", role: "alert" }, h("strong", {}, "Error: "), message, hint ? h("p", {}, hint) : null);
}
