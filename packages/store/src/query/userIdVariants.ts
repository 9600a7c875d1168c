/**
 * The user ids a typed user id stands for: an integer's text also matches the numeric id (only in
 * its canonical form: "007" is a string only). Pass them as TraceListFilter's `userId`.
 */
export function userIdVariants(user: string): (string | number)[] {
  const number = Number(user);
  return /^-?\d+$/.test(user) && Number.isSafeInteger(number) && String(number) === user ? [user, number] : [user];
}
