import type { ErasureReceipt } from "@agent-traces/admin";
import type { DeleteScope } from "../args.js";
import { oneLine, padEnd, padStart } from "./text.js";

/** What a delete removes, in words: `user "alice"` or `traces started before 2025-03-01T00:00:00.000Z`. */
export function describeScope(scope: DeleteScope): string {
  return "user" in scope ? `user ${JSON.stringify(oneLine(scope.user))}` : `traces started before ${scope.before.toISOString()}`;
}

/** A dry run: what `delete` would remove from `where`, per collection; nothing was deleted. */
export function renderErasurePlan(scope: DeleteScope, counts: Record<string, number>, where: string): string {
  return [
    `Dry run: deleting ${describeScope(scope)} from ${where} would remove:`,
    ...countLines(counts),
    "Nothing was deleted. Run again with --yes to delete them (a receipt is written to trace_erasures).",
  ].join("\n") + "\n";
}

/** What `delete --yes` removed from `where`, from its receipt. */
export function renderErasureDone(scope: DeleteScope, id: string, receipt: ErasureReceipt, where: string): string {
  const hash = receipt.uid_sha256 ? `; it names the user only by the SHA-256 of the uid, ${receipt.uid_sha256}` : "";
  return [
    `Deleted ${describeScope(scope)} from ${where}:`,
    ...countLines(receipt.deleted),
    `Receipt: trace_erasures/${id} (${receipt.batches} ${receipt.batches === 1 ? "batch" : "batches"}${hash}).`,
  ].join("\n") + "\n";
}

function countLines(counts: Record<string, number>): string[] {
  const entries = Object.entries(counts);
  const nameWidth = Math.max(...entries.map(([name]) => name.length));
  const countWidth = Math.max(...entries.map(([, count]) => String(count).length));
  return entries.map(([name, count]) => `  ${padEnd(name, nameWidth)}  ${padStart(String(count), countWidth)}`);
}
