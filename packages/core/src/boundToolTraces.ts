import { LIMITS } from "./limits.js";
import type { ToolTrace } from "./schema.js";
import { sanitizeToolFields, type SanitizedToolFields, type SanitizedToolTrace } from "./sanitizeToolTrace.js";
import { shortenText } from "./shortenText.js";
import { storedSize } from "./storedSize.js";

/** Tool calls tried for a place before giving up on filling the budget (bounds work on huge traces). */
const MAX_TOOL_ATTEMPTS = LIMITS.maxToolTraces * 4;
/** A field length at which every call is as sanitized at the per-field limits. */
const FULL_LENGTH = Math.max(LIMITS.toolInputValueChars, LIMITS.toolOutputChars);
/** A field length at which every input value and output longer than its cut marker is the marker alone. */
const SKELETON_LENGTH = 0;

export interface BoundedToolTraces {
  kept: SanitizedToolTrace[];
  /** Calls left out. */
  dropped: number;
  /** Kept calls whose input values or output were cut shorter than their per-field limits. */
  shortened: number;
}

/** A call sanitized at the per-field limits, with its size as such and, measured on first use, as its skeleton. */
class Candidate {
  readonly fullBytes: number;
  #skeletonBytes: number | undefined;

  constructor(readonly fields: SanitizedToolFields) {
    this.fullBytes = storedSize(fields.tool);
  }

  /** At most fullBytes (a skeleton only cuts fields to what is shorter in bytes). */
  get skeletonBytes(): number {
    return (this.#skeletonBytes ??= storedSize(shorten(this.fields, SKELETON_LENGTH).tool));
  }
}

/**
 * Keeps at most `maxToolTraces` tool calls within `toolTracesBytes`, failed calls first, in their
 * original order. Over the byte budget, input values and outputs are cut to one shorter length,
 * successful calls' before failed calls'; a call is dropped only when its skeleton (name, keys, input
 * values and output cut to their markers) does not fit beside the skeletons of the calls kept before it.
 */
export function boundToolTraces(tools: readonly ToolTrace[]): BoundedToolTraces {
  const kept: { index: number; candidate: Candidate }[] = [];
  // While the calls kept fit whole, their skeletons fit too: skeletons are measured only once they do not.
  let fullBytes = 0;
  let skeletonBytes: number | undefined;
  for (const index of byPriority(tools, MAX_TOOL_ATTEMPTS)) {
    if (kept.length === LIMITS.maxToolTraces) break;
    const candidate = new Candidate(sanitizeToolFields(tools[index]!));
    if (skeletonBytes === undefined && fullBytes + candidate.fullBytes <= LIMITS.toolTracesBytes) {
      fullBytes += candidate.fullBytes;
      kept.push({ index, candidate });
      continue;
    }
    skeletonBytes ??= kept.reduce((sum, entry) => sum + entry.candidate.skeletonBytes, 0);
    if (skeletonBytes + candidate.skeletonBytes > LIMITS.toolTracesBytes) continue;
    skeletonBytes += candidate.skeletonBytes;
    kept.push({ index, candidate });
  }
  kept.sort((a, b) => a.index - b.index);
  const { tools: fitted, shortened } = fitToBudget(kept.map((entry) => entry.candidate));
  return { kept: fitted, dropped: tools.length - kept.length, shortened };
}

/** Indices of failed calls, then of the others, each in their original order; at most `limit`. */
function byPriority(tools: readonly ToolTrace[], limit: number): number[] {
  const failed: number[] = [];
  const others: number[] = [];
  for (const [index, tool] of tools.entries()) {
    if (tool.is_error) {
      if (failed.length === limit) break;
      failed.push(index);
    } else if (others.length < limit) others.push(index);
  }
  return [...failed, ...others].slice(0, limit);
}

/**
 * Cuts the calls, whose skeletons fit the budget, to the longest field lengths that fit: successful
 * calls' first, failed calls' only when successful calls cut to their skeletons are not enough.
 */
function fitToBudget(candidates: readonly Candidate[]): { tools: SanitizedToolTrace[]; shortened: number } {
  const budget = LIMITS.toolTracesBytes;
  const total = (group: readonly Candidate[], bytes: (candidate: Candidate) => number) => group.reduce((sum, candidate) => sum + bytes(candidate), 0);
  if (total(candidates, (candidate) => candidate.fullBytes) <= budget) return { tools: candidates.map((candidate) => candidate.fields.tool), shortened: 0 };
  const successes = candidates.filter((candidate) => !candidate.fields.tool.is_error);
  const failures = candidates.filter((candidate) => candidate.fields.tool.is_error);
  const failuresFull = total(failures, (candidate) => candidate.fullBytes);
  const successesSkeleton = total(successes, (candidate) => candidate.skeletonBytes);
  const [successLength, failureLength] =
    failuresFull + successesSkeleton <= budget
      ? [longestFitting(successes, budget - failuresFull), FULL_LENGTH]
      : [SKELETON_LENGTH, longestFitting(failures, budget - successesSkeleton)];
  let shortened = 0;
  const tools = candidates.map((candidate) => {
    const { tool, cut } = shorten(candidate.fields, candidate.fields.tool.is_error ? failureLength : successLength);
    if (cut) shortened++;
    return tool;
  });
  return { tools, shortened };
}

/**
 * The longest field length at which `group` takes at most `room` bytes, by bisection between
 * SKELETON_LENGTH, which the caller knows fits, and FULL_LENGTH, which it knows does not.
 */
function longestFitting(group: readonly Candidate[], room: number): number {
  let fits = SKELETON_LENGTH;
  let tooLong = FULL_LENGTH;
  while (tooLong - fits > 1) {
    const length = Math.floor((fits + tooLong) / 2);
    let bytes = 0;
    for (const candidate of group) bytes += storedSize(shorten(candidate.fields, length).tool);
    if (bytes <= room) fits = length;
    else tooLong = length;
  }
  return fits;
}

/** A sanitized call with its input values and output cut to at most `length` chars (or their markers), and whether any was. */
function shorten(fields: SanitizedToolFields, length: number): { tool: SanitizedToolTrace; cut: boolean } {
  if (length >= FULL_LENGTH) return { tool: fields.tool, cut: false };
  let cut = false;
  const shortenField = (text: string, maxChars: number, fieldLimit: number, originalLength: number): string => {
    const shortened = shortenText(text, Math.min(maxChars, fieldLimit), fieldLimit, originalLength);
    if (shortened !== text) cut = true;
    return shortened;
  };
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields.tool.input)) {
    input[key] = shortenField(value, length, LIMITS.toolInputValueChars, fields.inputLengths.get(key) ?? value.length);
  }
  const output = shortenField(fields.tool.output, length, LIMITS.toolOutputChars, fields.outputLength);
  return { tool: { ...fields.tool, input, output }, cut };
}
