import "./compare.css";
import { formatDuration, formatInstant, type StoredTrace } from "@agent-traces/store";
import type { DocumentSnapshot } from "firebase/firestore";
import { h, replaceChildren } from "../dom.js";
import { traceFromDocument } from "../data/traceFromDocument.js";
import { traceDocument } from "../data/traceQueries.js";
import { readDocUntilAnswered } from "../data/untilAnswered.js";
import { compareHref, compareIdsOf } from "../view/compareHref.js";
import { compareRuns, DURATION_FLOOR_MS, DURATION_RATIO, durationDeltaText, durationRatioText, type AlignedCall, type CallDifference, type ComparedField, type ComparedTool, type RunComparison } from "../view/compareRuns.js";
import { previewText } from "../view/format.js";
import { OFFLINE_TEXT } from "../view/loadState.js";
import { runNotices } from "../view/runNotices.js";
import { errorBox } from "./errorBox.js";
import { loadStateLine } from "./loadStateLine.js";
import { setReady, type Page, type PageContext } from "./page.js";
import { statusBadge } from "./statusBadge.js";
import { textBlock } from "./textBlock.js";

type Side = "a" | "b";

/** What is known of one side's run: still loading, from the cache (found or not), answered by Firestore (found or not), or failed. */
type SideState =
  | { kind: "loading" }
  | { kind: "cached-missing" }
  | { kind: "found"; trace: StoredTrace; answered: boolean }
  | { kind: "not-found" }
  | { kind: "failed"; error: unknown };

const SIDE_NAME: Record<Side, string> = { a: "A", b: "B" };

/**
 * `/compare?a=<trace_id>&b=<trace_id>`: two runs side by side, their fields and their tool calls
 * aligned by name in order of start, each difference marked by a text label and an outline. A
 * missing id or a run not found says which one; a run Firestore has not answered for says so.
 */
export function comparePage(context: PageContext): Page {
  const { root, firebase, url } = context;
  const ids = compareIdsOf(url);
  if (ids.a === undefined || ids.b === undefined) {
    const missing = (["a", "b"] as const).filter((side) => ids[side] === undefined);
    replaceChildren(
      root,
      h(
        "div",
        { class: "not-found", "data-testid": "compare-missing", "data-missing": missing.join(" ") },
        h("h1", {}, "Compare two runs"),
        h("p", {}, `The address names no run ${missing.map((side) => `${SIDE_NAME[side]} (?${side}=<trace id>)`).join(" and no run ")}: a comparison needs two, as /compare?a=<trace id>&b=<trace id>.`),
        h("p", {}, "Open a run and use its “Compare with…” section, or pick two runs in the list."),
        h("a", { href: "/" }, "← The runs"),
      ),
    );
    setReady("compare");
    return { dispose: () => undefined };
  }
  const idOf: Record<Side, string> = { a: ids.a, b: ids.b };
  const states: Record<Side, SideState> = { a: { kind: "loading" }, b: { kind: "loading" } };
  let disposed = false;

  const render = () => {
    if (disposed) return;
    const shown = renderStates(idOf, states);
    replaceChildren(root, shown.element);
    if (shown.ready) setReady("compare");
  };
  render();

  const stops = (["a", "b"] as const).map((side) =>
    readDocUntilAnswered(traceDocument(firebase.db, idOf[side]), {
      cached: (snapshot) => {
        // A side already found in the cache stays shown until the server answers.
        if (states[side].kind === "found") return;
        states[side] = snapshot.exists() ? { kind: "found", trace: traceOf(snapshot), answered: false } : { kind: "cached-missing" };
        render();
      },
      answered: (snapshot) => {
        states[side] = snapshot.exists() ? { kind: "found", trace: traceOf(snapshot), answered: true } : { kind: "not-found" };
        render();
      },
      failed: (error) => {
        states[side] = { kind: "failed", error };
        render();
      },
    }),
  );
  return {
    dispose: () => {
      disposed = true;
      for (const stop of stops) stop();
    },
  };
}

function traceOf(snapshot: DocumentSnapshot): StoredTrace {
  return traceFromDocument(snapshot.data()!);
}

/** The page for the two sides' states, and whether it is ready (both runs shown, or an answer for each that is not a run). */
function renderStates(idOf: Record<Side, string>, states: Record<Side, SideState>): { element: HTMLElement; ready: boolean } {
  const swap = h("a", { href: compareHref(idOf.b, idOf.a), "data-testid": "swap" }, "⇄ Swap A and B");
  const nav = h(
    "nav",
    { class: "run-nav" },
    h("a", { href: "/" }, "← List"),
    swap,
    (["a", "b"] as const).map((side) => h("a", { href: runHref(idOf[side]), "data-testid": `run-link-${side}` }, `Run ${SIDE_NAME[side]}`)),
  );
  const { a, b } = states;
  if (a.kind === "found" && b.kind === "found") {
    const answered = a.answered && b.answered;
    const state = answered ? loadStateLine("live", "● both runs read from Firestore") : loadStateLine("offline", OFFLINE_TEXT);
    return { element: renderComparison(a.trace, b.trace, compareRuns(a.trace, b.trace), nav, state), ready: true };
  }
  const settled = (state: SideState) => state.kind === "found" || state.kind === "not-found" || state.kind === "failed";
  const offline = a.kind === "cached-missing" || b.kind === "cached-missing" || (a.kind === "found" && !a.answered) || (b.kind === "found" && !b.answered);
  const loadState = offline ? loadStateLine("offline", OFFLINE_TEXT) : settled(a) && settled(b) ? null : loadStateLine("loading", "Loading the two runs…");
  const element = h(
    "article",
    { class: "compare", "data-testid": "compare-unavailable" },
    nav,
    h("h1", {}, "Compare two runs"),
    loadState,
    (["a", "b"] as const).map((side) => sideStatus(side, idOf[side], states[side])),
  );
  return { element, ready: settled(a) && settled(b) };
}

/** What is known of one side when the two runs cannot be compared (yet). */
function sideStatus(side: Side, id: string, state: SideState): HTMLElement {
  const name = `Run ${SIDE_NAME[side]}`;
  const idCode = h("code", {}, id);
  const body = (() => {
    switch (state.kind) {
      case "loading":
        return h("p", { class: "muted" }, `${name} (`, idCode, "): loading…");
      case "cached-missing":
        return h("p", {}, `${name} (`, idCode, "): not loaded yet, Firestore has not answered.");
      case "found":
        return h("p", {}, `${name} (`, idCode, `): ${state.trace.skill ?? "(no skill)"}, ${state.trace.status}, started ${formatInstant(state.trace.started_at)}.`);
      case "not-found":
        return h("p", {}, h("strong", {}, `${name} not found`), ": no stored run has the id ", idCode, ". It may have been sampled out, never sent, or deleted by the TTL policy.");
      case "failed":
        return h("div", {}, h("p", {}, `${name} (`, idCode, "): reading it failed."), errorBox(state.error));
    }
  })();
  return h("section", { class: "compare-side", "data-testid": `side-${side}`, "data-state": state.kind }, body);
}

function renderComparison(a: StoredTrace, b: StoredTrace, comparison: RunComparison, nav: HTMLElement, state: HTMLElement): HTMLElement {
  const fieldDifferences = comparison.fields.filter((field) => field.differs).length;
  const count = comparison.differenceCount;
  const notices = (["a", "b"] as const).flatMap((side) => runNotices(side === "a" ? a : b).map((notice) => h("li", {}, `Run ${SIDE_NAME[side]}: ${notice}`)));
  return h(
    "article",
    { class: "compare", "data-testid": "compare", "data-a": a.trace_id, "data-b": b.trace_id },
    nav,
    h("h1", {}, "Compare two runs"),
    state,
    h(
      "p",
      { class: "compare-summary", "data-testid": "difference-count", "data-count": count },
      h("strong", {}, `${count} ${count === 1 ? "difference" : "differences"}`),
      count ? ` (${fieldDifferences} in the runs' fields, ${count - fieldDifferences} in the tool calls), each marked ≠ and outlined.` : ": the two runs match in every compared field and tool call.",
    ),
    comparison.content === "none"
      ? h("p", { class: "warning", "data-testid": "content-not-compared" }, "Inputs, outputs, the final output and the error are not compared: one run was stored without its content.")
      : comparison.content === "descriptions"
        ? h("p", { class: "muted", "data-testid": "content-not-compared" }, "Neither run's content was captured: inputs, outputs, the final output and the error are compared by type and length only.")
        : null,
    notices.length ? h("section", { class: "notices", "data-testid": "notices" }, h("h2", {}, "Not everything was stored"), h("ul", {}, notices)) : null,
    h("h2", {}, "Runs"),
    fieldTable(a, b, comparison.fields),
    h("h2", {}, `Tool calls: ${a.tool_traces.length} in A, ${b.tool_traces.length} in B`, h("span", { class: "muted" }, " (in order of start, aligned by tool name)")),
    callTable(comparison.calls),
  );
}

function runHref(id: string): string {
  return `/traces/${encodeURIComponent(id)}`;
}

/** A label that marks a difference in text (the cell it sits in is outlined too). */
function mark(text: string): HTMLElement {
  return h("span", { class: "diff-mark" }, text);
}

const LONG_FIELDS = new Set<ComparedField["key"]>(["error", "final_output"]);

/** Said beside two durations that differ but are not marked (see durationsDiffer): "not marked: under 2× or under 100 ms apart". */
const UNMARKED_DURATION_TEXT = `not marked: under ${DURATION_RATIO}× or under ${formatDuration(DURATION_FLOOR_MS)} apart`;

function fieldTable(a: StoredTrace, b: StoredTrace, fields: ComparedField[]): HTMLElement {
  const cell = (field: ComparedField, side: Side) => {
    const text = field[side];
    const trace = side === "a" ? a : b;
    const content: (Node | string)[] =
      field.key === "trace_id"
        ? [h("a", { href: runHref(text) }, h("code", {}, text))]
        : field.key === "status"
          ? [statusBadge(trace.status)]
          : field.key === "started_at"
            ? [formatInstant(text)]
            : LONG_FIELDS.has(field.key)
              ? [ioText(text || "(empty)", textBlock(text || "(empty)"))]
              : [text];
    return h("td", { class: field.differs ? "differs" : null, "data-side": side }, content);
  };
  return h(
    "table",
    { class: "compare-table", "data-testid": "compare-fields" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "Run A"), h("th", { scope: "col" }, "Run B"), h("th", { scope: "col" }, "Difference"))),
    h(
      "tbody",
      {},
      fields.map((field) =>
        h(
          "tr",
          { class: field.differs ? "differs" : null, "data-field": field.key, "data-differs": String(field.differs) },
          h("th", { scope: "row" }, field.label),
          cell(field, "a"),
          cell(field, "b"),
          h("td", { class: "diff-col" }, field.differs ? mark("≠ differs") : field.key === "duration" && field.a !== field.b ? h("span", { class: "muted" }, UNMARKED_DURATION_TEXT) : null),
        ),
      ),
    ),
  );
}

const DIFFERENCE_LABEL: Record<CallDifference, string> = {
  "only-a": "only in A",
  "only-b": "only in B",
  status: "≠ status",
  duration: "≠ duration",
  input: "≠ input",
  output: "≠ output",
};

function callTable(calls: AlignedCall[]): HTMLElement {
  if (calls.length === 0) return h("p", { class: "muted", "data-testid": "compare-no-calls" }, "Neither run made a tool call.");
  return h(
    "table",
    { class: "compare-table compare-calls", "data-testid": "compare-calls" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "#"), h("th", { scope: "col" }, "Run A"), h("th", { scope: "col" }, "Run B"), h("th", { scope: "col" }, "Differences"))),
    h(
      "tbody",
      {},
      calls.map((call, row) =>
        h(
          "tr",
          {
            class: call.differences.length ? "differs" : null,
            "data-testid": "call-row",
            "data-differences": call.differences.join(" "),
            "data-a-index": call.a?.index ?? null,
            "data-b-index": call.b?.index ?? null,
          },
          h("td", { class: "number" }, String(row + 1)),
          callCell(call, "a"),
          callCell(call, "b"),
          h(
            "td",
            { class: "diff-col", "data-testid": "call-differences" },
            call.differences.map((difference) => mark(difference === "duration" ? `${DIFFERENCE_LABEL.duration} ${durationNote(call)}` : DIFFERENCE_LABEL[difference])),
          ),
        ),
      ),
    ),
  );
}

/** "+1.80s (10.0× slower)": B's duration against A's. */
function durationNote(call: AlignedCall): string {
  const ratio = call.a && call.b ? durationRatioText(call.a.tool.duration_ms, call.b.tool.duration_ms) : undefined;
  return `${durationDeltaText(call.durationDeltaMs ?? 0)}${ratio ? ` (${ratio})` : ""}`;
}

/** One side of an aligned row: the call's name, status, duration, input and output, each part that differs marked; a gap when the run has no such call. */
function callCell(call: AlignedCall, side: Side): HTMLElement {
  const entry = call[side];
  if (!entry) return h("td", { class: "gap", "data-side": side }, h("span", { class: "gap-text" }, `— no call in ${SIDE_NAME[side]}`));
  const tool: ComparedTool = entry.tool;
  const differs = (difference: CallDifference) => call.differences.includes(difference);
  const onlyHere = call.differences.includes(side === "a" ? "only-a" : "only-b");
  const part = (difference: CallDifference, ...children: (Node | string | null)[]) =>
    h(difference === "input" || difference === "output" ? "div" : "span", { class: differs(difference) ? "part differs" : "part", "data-part": difference }, differs(difference) ? [mark("≠"), " "] : null, children);
  return h(
    "td",
    { class: onlyHere ? "only differs" : null, "data-side": side, "data-index": entry.index },
    h(
      "div",
      { class: "call-head" },
      onlyHere ? [mark(`only in ${SIDE_NAME[side]}`), " "] : null,
      h("strong", { class: "call-name" }, tool.name),
      part("status", tool.is_error ? h("span", { class: "err" }, "✗ error") : "ok"),
      part("duration", formatDuration(tool.duration_ms), side === "b" && call.a ? h("span", { class: "muted" }, ` (${durationDeltaText(call.durationDeltaMs ?? 0)} vs A)`) : null),
    ),
    part("input", h("span", { class: "io-label" }, "in "), ioText(inputText(tool.input), inputBlock(tool.input))),
    part("output", h("span", { class: "io-label" }, tool.is_error ? "error " : "out "), ioText(tool.output || "(empty)", textBlock(tool.output || "(empty)"))),
  );
}

/** A stored text on one line, cut to PREVIEW_CHARS; when cut, the whole of it (`full`) one click away. */
function ioText(text: string, full: HTMLElement): HTMLElement {
  const preview = previewText(text, PREVIEW_CHARS);
  if (preview === text) return h("span", { class: "io-text" }, preview);
  return h("details", { class: "io-text" }, h("summary", {}, preview), full);
}

const PREVIEW_CHARS = 140;

/** A tool input on one line: "key: value; key: value"; "(no input)". */
function inputText(input: Record<string, string>): string {
  const entries = Object.entries(input);
  return entries.length === 0 ? "(no input)" : entries.map(([key, value]) => `${key}: ${value}`).join("; ");
}

function inputBlock(input: Record<string, string>): HTMLElement {
  const entries = Object.entries(input);
  if (entries.length === 0) return h("p", { class: "muted" }, "(no input)");
  return h("dl", { class: "io" }, entries.flatMap(([key, value]) => [h("dt", {}, key), h("dd", {}, textBlock(value))]));
}
