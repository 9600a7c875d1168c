/** What an erasure removes: everything of one user (by uid), or every trace that started before an instant. */
export type ErasureScope = { kind: "user"; uid: string } | { kind: "before"; before: Date };
