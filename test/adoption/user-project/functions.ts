
import {HttpsError, onCall} from "firebase-functions/v2/https";
import {onDocumentCreated} from "firebase-functions/v2/firestore";
import {initializeApp} from "firebase-admin/app";
import {FieldValue, getFirestore} from "firebase-admin/firestore";

initializeApp();

export const greet = onCall((request) => {
  if (!request.auth) throw new HttpsError("unauthenticated", "Sign in first.");
  const name = typeof request.data?.name === "string" ? request.data.name : "you";
  return {greeting: `Hello, ${name}!`};
});

export const countNote = onDocumentCreated("notes/{uid}/items/{noteId}", async (event) => {
  await getFirestore().doc(`note_counts/${event.params.uid}`).set({count: FieldValue.increment(1)}, {merge: true});
});
