/** The id of a caller's rate-limit counter document: Firebase uids may hold `/`, which a document id cannot. */
export function counterId(uid: string): string {
  return `uid:${encodeURIComponent(uid)}`;
}
