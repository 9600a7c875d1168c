import type { TraceSendError } from "../errors.js";
import type { QueuedRun } from "./QueuedRun.js";

/** Told what happens to a processor's runs, as they happen (the browser's persisted queue is one). */
export interface ProcessorObserver {
  /** A run was queued: it is unanswered until onSettled. */
  onQueued(run: QueuedRun): void;
  /** A run was answered (no `error`) or reported through onError. */
  onSettled(run: QueuedRun, error?: TraceSendError): void;
  /** A run got a new id after a `conflict` answer. */
  onRekeyed(run: QueuedRun): void;
  /** The runs are now sent as `owner` (known for the first time, or another user signed in or out). */
  onOwner(owner: string | null): void;
  /** The page may be going. */
  onPageExit(): void;
  /** The processor was shut down, its last flush done. */
  onShutdown(): void;
}
