import { formatDuration, formatInstant, formatTokens, type StoredFeedback, type StoredTrace } from "@agent-traces/store";
import type { ModelUsage } from "@agent-traces/core";
import { getDocs, type DocumentSnapshot, type Firestore } from "firebase/firestore";
import { append, h, replaceChildren } from "../dom.js";
import { feedbackFromDocument } from "../data/feedbackFromDocument.js";
import { isExpired, traceFromDocument } from "../data/traceFromDocument.js";
import { readDocUntilAnswered } from "../data/untilAnswered.js";
import { RUN_FEEDBACK_LIMIT, runFeedbackQuery, traceDocument, traceListQuery } from "../data/traceQueries.js";
import { compareHref } from "../view/compareHref.js";
import { feedbackCountsText, ratingLabel, sortFeedback } from "../view/feedbackView.js";
import { loadListContext, neighborsInList } from "../view/listContext.js";
import { listFilterSearch, parseListFilter } from "../view/listFilter.js";
import { OFFLINE_TEXT } from "../view/loadState.js";
import { senderNote } from "../view/provenance.js";
import { keptForText } from "../view/keptFor.js";
import { costComputed, modelCostText, runCostText } from "../view/runCost.js";
import { runNotices } from "../view/runNotices.js";
import { sessionHref } from "../view/sessionView.js";
import { axisTicks, waterfallBars } from "../view/waterfall.js";
import { errorBox } from "./errorBox.js";
import { loadStateLine } from "./loadStateLine.js";
import { setReady, type Page, type PageContext } from "./page.js";
import { senderTag } from "./senderTag.js";
import { statusBadge } from "./statusBadge.js";
import { textBlock } from "./textBlock.js";

/**
 * `/traces/{trace_id}`: one run, every stored field, its ratings, its tool calls as a waterfall; j/k move through the list it came from.
 * "Not found" only when Firestore said so: a run not answered yet (offline, or still connecting) says that.
 */
export function runPage(context: PageContext, traceId: string): Page {
  const { root, firebase, url, navigate } = context;
  const search = listFilterSearch(parseListFilter(url.search).filter);
  const cleanups: (() => void)[] = [];
  let disposed = false;
  let previousLink: HTMLAnchorElement | undefined;
  let nextLink: HTMLAnchorElement | undefined;
  replaceChildren(root, loadStateLine("loading", "Loading run…"));

  // The keys read the links when pressed, so they work before the next older run below is known.
  const onKey = (event: KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey || (event.target as Element | null)?.closest("input, textarea, select")) return;
    const target = event.key === "j" ? nextLink : event.key === "k" ? previousLink : undefined;
    const href = target?.getAttribute("href");
    if (href) navigate(href);
  };
  document.addEventListener("keydown", onKey);
  cleanups.push(() => document.removeEventListener("keydown", onKey));

  /** Renders the run; `answered`: the server confirmed it (else it came from this browser's cache). */
  const show = (snapshot: DocumentSnapshot, answered: boolean) => {
    const trace = traceFromDocument(snapshot.data()!);
    const neighbors = neighborsInList(loadListContext(sessionStorage), search, traceId);
    const previousHref = neighbors.previous ? runHref(neighbors.previous, search) : undefined;
    const next = h("a", { "data-testid": "next-run", class: "disabled", "aria-disabled": "true" }, "Older →");
    nextLink = next;
    previousLink = h("a", { "data-testid": "prev-run", class: previousHref ? null : "disabled", href: previousHref ?? null, "aria-disabled": previousHref ? null : "true" }, "← Newer");
    const setNext = (id: string | undefined) => {
      if (!id) return;
      next.setAttribute("href", runHref(id, search));
      next.classList.remove("disabled");
      next.removeAttribute("aria-disabled");
    };
    setNext(neighbors.next);
    const feedback = h("section", { class: "feedback", "data-testid": "feedback" }, h("h2", {}, "Feedback"), h("p", { class: "muted" }, answered ? "Loading ratings…" : "Ratings are read once Firestore answers."));
    const compare = compareSection(trace, navigate);
    const state = answered ? loadStateLine("live", "● read from Firestore") : loadStateLine("offline", OFFLINE_TEXT);
    replaceChildren(root, renderRun(trace, { search, previousLink, nextLink: next, cleanups, feedback, state, compare: compare.section }));
    setReady("run");
    if (!answered) return;
    void showFeedback(firebase.db, trace, feedback, () => disposed);
    void compare.findLatestSuccess(firebase.db, () => disposed);
    if (!neighbors.next) {
      // Past the list's last run (or opened directly): the next older run of the same filter.
      void getDocs(traceListQuery(firebase.db, parseListFilter(url.search).filter, { after: snapshot, size: 0 })).then(
        (older) => {
          if (!disposed) setNext(older.docs[0]?.id);
        },
        // Unread, "Older →" stays disabled: the run itself is shown either way.
        () => undefined,
      );
    }
  };

  let shownFromCache = false;
  cleanups.push(
    readDocUntilAnswered(traceDocument(firebase.db, traceId), {
      cached: (snapshot) => {
        if (disposed) return;
        if (snapshot.exists()) {
          if (!shownFromCache) show(snapshot, false);
          shownFromCache = true;
          return;
        }
        // Not in the cache and not answered: neither found nor "not found". No data-ready: nothing is known yet.
        replaceChildren(root, h("div", { class: "not-loaded" }, h("h1", {}, "Run not loaded yet"), loadStateLine("offline", OFFLINE_TEXT), h("p", {}, "Run ", h("code", {}, traceId), "."), h("a", { href: `/${search}` }, "← Back to the list")));
      },
      answered: (snapshot) => {
        if (disposed) return;
        if (snapshot.exists()) {
          show(snapshot, true);
          return;
        }
        replaceChildren(
          root,
          h(
            "div",
            { class: "not-found", "data-testid": "not-found" },
            h("h1", {}, "Run not found"),
            loadStateLine("empty", "Firestore answered: no such run."),
            h("p", {}, "No stored run has the id ", h("code", {}, traceId), ". It may have been sampled out, never sent, or deleted by the TTL policy."),
            h("a", { href: `/${search}` }, "← Back to the list"),
          ),
        );
        setReady("not-found");
      },
      failed: (error) => {
        if (disposed) return;
        replaceChildren(root, errorBox(error));
        setReady("run");
      },
    }),
  );

  return {
    dispose: () => {
      disposed = true;
      for (const cleanup of cleanups) cleanup();
    },
  };
}

/**
 * The run's "Compare with…" section: for a failed run with a skill, a link to its comparison with the
 * latest success of that skill (found once Firestore answers: skill == and status == success,
 * newest first, one run, the list's indexed plan); for any run, a form taking another run's id.
 */
function compareSection(trace: StoredTrace, navigate: (path: string) => void): { section: HTMLElement; findLatestSuccess(db: Firestore, disposed: () => boolean): Promise<void> } {
  const skill = trace.skill;
  const wantsLatest = trace.status !== "success" && typeof skill === "string" && skill !== "";
  const latest = wantsLatest ? h("p", { "data-testid": "compare-latest" }, h("span", { class: "muted" }, `Looking for the latest success of ${skill}…`)) : null;
  const input = h("input", { type: "text", id: "compare-with-id", name: "b", required: true, placeholder: "trace id", spellcheck: "false", autocomplete: "off", "data-testid": "compare-id" });
  const form = h(
    "form",
    {
      class: "compare-form",
      "data-testid": "compare-form",
      onsubmit: (event: Event) => {
        event.preventDefault();
        const other = input.value.trim();
        if (other) navigate(compareHref(trace.trace_id, other));
      },
    },
    h("label", { for: "compare-with-id" }, "Compare with run id "),
    input,
    " ",
    h("button", { type: "submit" }, "Compare"),
  );
  const section = h("section", { class: "compare-with", "data-testid": "compare-with" }, h("h2", {}, "Compare with…"), latest, form);
  const findLatestSuccess = async (db: Firestore, disposed: () => boolean): Promise<void> => {
    if (!latest || !wantsLatest) return;
    try {
      const snapshot = await getDocs(traceListQuery(db, { skill, status: "success" }, { size: 0 }));
      if (disposed()) return;
      const found = snapshot.docs[0]?.id;
      if (found) replaceChildren(latest, h("a", { href: compareHref(trace.trace_id, found), "data-testid": "compare-latest-success" }, `Compare with the latest success of ${skill}`));
      else if (snapshot.metadata.fromCache) replaceChildren(latest, h("span", { class: "muted" }, `The latest success of ${skill} is looked for once Firestore answers.`));
      else replaceChildren(latest, h("span", { class: "muted", "data-testid": "no-latest-success" }, `No successful run of ${skill} is stored to compare with.`));
    } catch (error) {
      if (!disposed()) replaceChildren(latest, errorBox(error));
    }
  };
  return { section, findLatestSuccess };
}

function runHref(traceId: string, search: string): string {
  return `/traces/${encodeURIComponent(traceId)}${search}`;
}

interface RunParts {
  search: string;
  previousLink: HTMLAnchorElement;
  nextLink: HTMLAnchorElement;
  cleanups: (() => void)[];
  /** The ratings' section, filled in by showFeedback. */
  feedback: HTMLElement;
  /** The page's load-state line. */
  state: HTMLElement;
  /** The "Compare with…" section. */
  compare: HTMLElement;
}

/** Reads the run's ratings (trace_feedback where trace_id ==) into `section`, newest first; `data-loaded` says when it is done. */
async function showFeedback(db: Firestore, trace: StoredTrace, section: HTMLElement, disposed: () => boolean): Promise<void> {
  const heading = h("h2", {}, "Feedback", feedbackCountsText(trace.feedback) ? h("span", { class: "muted", "data-testid": "feedback-counts" }, ` ${feedbackCountsText(trace.feedback)}`) : null);
  try {
    const snapshot = await getDocs(runFeedbackQuery(db, trace.trace_id));
    if (disposed()) return;
    const ratings = sortFeedback(snapshot.docs.map((doc) => feedbackFromDocument(doc.data())));
    replaceChildren(
      section,
      heading,
      ratings.length === 0
        ? snapshot.metadata.fromCache
          ? h("p", { class: "muted" }, "Ratings not read: Firestore has not answered (offline, or still connecting).")
          : h("p", { class: "muted", "data-testid": "no-feedback" }, "No ratings.")
        : h("ul", { class: "ratings" }, ratings.map((rating) => ratingItem(rating, trace))),
      ratings.length >= RUN_FEEDBACK_LIMIT ? h("p", { class: "muted" }, `The first ${RUN_FEEDBACK_LIMIT} ratings are shown.`) : null,
    );
  } catch (error) {
    if (disposed()) return;
    replaceChildren(section, heading, errorBox(error));
  }
  section.dataset.loaded = "true";
}

/** One rater's rating: thumbs, value, tags, comment, who rated (the run's sender or another caller, an admin) and when. */
function ratingItem(rating: StoredFeedback, trace: StoredTrace): HTMLElement {
  const bySender = rating.rated_by === trace.recorded_by;
  return h(
    "li",
    { class: `rating ${rating.rating}`, "data-testid": "rating", "data-rating": rating.rating, "data-rated-by": rating.rated_by },
    h("span", { class: "rating-thumb", "data-field": "rating" }, ratingLabel(rating.rating)),
    rating.value !== undefined && rating.value !== null ? [" ", h("span", { class: "tag", "data-field": "value", title: "The app's own score" }, `value ${rating.value}`)] : null,
    (rating.tags ?? []).flatMap((tag) => [" ", h("span", { class: "tag", "data-field": "tag" }, tag)]),
    h(
      "span",
      { class: "muted rating-meta" },
      " by ",
      h("span", { "data-field": "rated-by" }, rating.rated_by),
      bySender ? " (the run's sender)" : " (not the run's sender: an admin)",
      ", ",
      h("span", { "data-field": "updated-at", title: rating.updated_at }, formatInstant(rating.updated_at)),
      rating.created_at !== rating.updated_at ? ` (first rated ${formatInstant(rating.created_at)})` : null,
    ),
    rating.comment ? h("p", { class: "rating-comment", "data-field": "comment" }, rating.comment) : null,
  );
}

function renderRun(trace: StoredTrace, parts: RunParts): HTMLElement {
  const now = Date.now();
  const error = trace.metadata.error;
  const notices = runNotices(trace);
  const json = new Blob([`${JSON.stringify(trace, null, 2)}\n`], { type: "application/json" });
  const downloadUrl = URL.createObjectURL(json);
  parts.cleanups.push(() => URL.revokeObjectURL(downloadUrl));
  const copied = h("span", { class: "muted", "aria-live": "polite" });

  return h(
    "article",
    { class: `run status-${trace.status}`, "data-testid": "run", "data-trace-id": trace.trace_id },
    h("nav", { class: "run-nav" }, h("a", { href: `/${parts.search}` }, "← List"), parts.previousLink, parts.nextLink, h("span", { class: "muted keys" }, "keys: j older, k newer")),
    parts.state,
    h(
      "header",
      { class: "run-head" },
      h("h1", {}, trace.skill ?? "(no skill)", " ", statusBadge(trace.status), isExpired(trace, now) ? [" ", h("span", { class: "tag" }, "expired")] : null),
      senderNote(trace) ? h("p", { class: "run-user", "data-testid": "run-user" }, "User ", String(trace.user_id), senderTag(trace)) : null,
      keptForLine(trace),
      trace.session_id ? h("p", { class: "run-session" }, "Session ", h("a", { href: sessionHref(trace.session_id), "data-testid": "session-link" }, trace.session_id), h("span", { class: "muted" }, ": every run of this conversation")) : null,
      h(
        "p",
        {},
        h("code", { "data-testid": "trace-id" }, trace.trace_id),
        " ",
        h("button", { type: "button", "data-testid": "copy-id", onclick: () => void copyText(trace.trace_id).then((ok) => (copied.textContent = ok ? "copied" : "select the id to copy it")) }, "Copy id"),
        " ",
        h("a", { "data-testid": "download-json", href: downloadUrl, download: `trace-${trace.trace_id}.json`, class: "button" }, "Download JSON"),
        " ",
        copied,
      ),
    ),
    error !== undefined || trace.status !== "success"
      ? h("section", { class: "run-error", "data-testid": "run-error" }, h("h2", {}, trace.status === "timeout" ? "Timed out" : "Error"), textBlock(error === undefined ? "(no error message recorded)" : typeof error === "string" ? error : JSON.stringify(error, null, 2)))
      : null,
    notices.length ? h("section", { class: "notices", "data-testid": "notices" }, h("h2", {}, "Not everything was stored"), h("ul", {}, notices.map((notice) => h("li", {}, notice)))) : null,
    parts.compare,
    parts.feedback,
    waterfall(trace),
    usageSection(trace),
    h("section", {}, h("h2", {}, "Final output"), textBlock(trace.final_output || "(empty)")),
    h("section", {}, h("h2", {}, "Fields"), fieldList(trace, now)),
  );
}

function waterfall(trace: StoredTrace): HTMLElement {
  const { totalMs, bars } = waterfallBars(trace);
  const failed = trace.tool_error_count;
  const section = h(
    "section",
    { class: "waterfall", "data-testid": "waterfall" },
    h("h2", {}, `Tool calls: ${trace.tool_traces.length}`, failed ? h("span", { class: "failed" }, ` (${failed} failed)`) : null, trace.tool_traces_dropped ? ` + ${trace.tool_traces_dropped} dropped` : null),
  );
  if (bars.length === 0) {
    append(section, [h("p", { class: "muted" }, "No tool calls.")]);
    return section;
  }
  append(section, [
    h("div", { class: "axis" }, h("span", {}), h("div", { class: "track" }, axisTicks(totalMs).map(({ percent, ms }) => h("span", { class: "tick", style: `left: ${percent}%` }, formatDuration(ms)))), h("span", {})),
  ]);
  for (const bar of bars) {
    const tool = trace.tool_traces[bar.index]!;
    append(section, [
      h(
        "details",
        { class: tool.is_error ? "call failed" : "call", "data-testid": "tool-call", "data-index": bar.index, "data-error": String(tool.is_error), open: tool.is_error && trace.tool_traces.length <= 20 },
        h(
          "summary",
          {},
          h("span", { class: "call-name", title: tool.name }, `${bar.index + 1}. ${tool.name}`),
          h("span", { class: "track" }, h("span", { class: "bar", "data-testid": "bar", style: `left: ${bar.leftPercent}%; width: ${bar.widthPercent}%`, title: `+${formatDuration(bar.offsetMs)}, ${formatDuration(bar.durationMs)}` })),
          h("span", { class: "call-time" }, formatDuration(tool.duration_ms), tool.is_error ? h("span", { class: "err" }, " ✗ error") : null),
        ),
        h(
          "div",
          { class: "tool-io", "data-testid": "tool-io" },
          h("p", { class: "muted" }, `Started ${formatInstant(tool.timestamp)}, +${formatDuration(bar.offsetMs)} into the run, took ${formatDuration(tool.duration_ms)}.`),
          h("h3", {}, "Input"),
          Object.keys(tool.input).length === 0
            ? h("p", { class: "muted" }, "(no input)")
            : h("dl", { class: "io" }, Object.entries(tool.input).flatMap(([key, value]) => [h("dt", {}, key), h("dd", {}, textBlock(value))])),
          h("h3", {}, tool.is_error ? "Error output" : "Output"),
          textBlock(tool.output || "(empty)"),
        ),
      ),
    ]);
  }
  return section;
}

/** The run's tokens and cost per model, with their total when there are several, and its cost in all; nothing when it recorded no usage. */
function usageSection(trace: StoredTrace): HTMLElement | null {
  const usage = trace.usage ?? [];
  if (usage.length === 0) return null;
  const part = (entry: ModelUsage, field: TokenPart) => entry[field] ?? 0;
  const cells = (counts: Record<TokenPart, number>) => TOKEN_COLUMNS.map(({ field }) => h("td", { class: "number", "data-field": field }, formatTokens(counts[field])));
  const countsOf = (entry: ModelUsage) => Object.fromEntries(TOKEN_COLUMNS.map(({ field }) => [field, part(entry, field)])) as Record<TokenPart, number>;
  const sums = Object.fromEntries(TOKEN_COLUMNS.map(({ field }) => [field, usage.reduce((total, entry) => total + part(entry, field), 0)])) as Record<TokenPart, number>;
  const total = runCostText(trace);
  const unpriced = trace.unpriced_models ?? [];
  const hasTokens = sums.input_tokens + sums.output_tokens > 0;
  return h(
    "section",
    { "data-testid": "usage" },
    h("h2", {}, "Tokens and cost"),
    h(
      "table",
      { class: "breakdown" },
      h("thead", {}, h("tr", {}, h("th", {}, "Model"), TOKEN_COLUMNS.map(({ label }) => h("th", {}, label)), h("th", {}, "Cost"))),
      h(
        "tbody",
        {},
        usage.map((entry) => h("tr", {}, h("td", {}, entry.model), cells(countsOf(entry)), h("td", { class: "number", "data-field": "cost" }, modelCostText(trace, entry)))),
        usage.length > 1 ? h("tr", { class: "total" }, h("th", {}, "Total"), cells(sums), h("td", { class: "number", "data-field": "cost" }, total)) : null,
      ),
    ),
    h(
      "p",
      { "data-testid": "run-cost" },
      "Cost of the run: ",
      h("strong", { "data-field": "cost" }, total),
      unpriced.length ? h("span", { class: "muted" }, ` (no price for ${unpriced.join(", ")}: ${unpriced.length === 1 ? "its" : "their"} tokens are left out of the sum, not counted as free)`) : null,
      !costComputed(trace) && hasTokens ? h("span", { class: "muted" }, " (not priced: stored before costs were computed)") : null,
    ),
  );
}

type TokenPart = "input_tokens" | "cached_input_tokens" | "cache_write_tokens" | "output_tokens" | "reasoning_tokens";

/** The token columns of a run's usage: the cached and cache-write counts are parts of the input, the reasoning count part of the output. */
const TOKEN_COLUMNS: readonly { field: TokenPart; label: string }[] = [
  { field: "input_tokens", label: "Input (incl. cached)" },
  { field: "cached_input_tokens", label: "Cached" },
  { field: "cache_write_tokens", label: "Cache writes" },
  { field: "output_tokens", label: "Output (incl. reasoning)" },
  { field: "reasoning_tokens", label: "Reasoning" },
];

/** Why the run was kept and the runs it stands for; nothing for runs stored before that was recorded. */
function keptForLine(trace: StoredTrace): HTMLElement | null {
  const kept = keptForText(trace);
  if (!kept) return null;
  return h("p", { class: "kept-for", "data-testid": "kept-for" }, "Kept because ", h("span", { "data-field": "kept-for" }, kept.reason), kept.weight ? ["; ", h("span", { "data-field": "weight" }, kept.weight)] : null, ".");
}

const FIELD_ORDER = [
  "trace_id", "status", "skill", "user_id", "session_id", "started_at", "ended_at", "duration_ms", "iterations", "tool_error_count", "failed_tools",
  "tool_traces_dropped", "tool_traces_shortened", "recorded_by", "received_at", "committed_at", "expire_at", "sample_rate", "weight", "weight_variance", "kept_for", "cost_usd", "unpriced_models", "feedback", "metadata",
];

/** Fields shown in sections of their own above the field list. */
const SHOWN_ABOVE = ["tool_traces", "final_output", "usage"];

/** Every stored field but the tool calls, the token usage and the final output (shown above), known ones first. */
function fieldList(trace: StoredTrace, now: number): HTMLElement {
  const record = trace as unknown as Record<string, unknown>;
  const keys = [...FIELD_ORDER.filter((key) => key in record), ...Object.keys(record).filter((key) => !FIELD_ORDER.includes(key) && !SHOWN_ABOVE.includes(key)).sort()];
  const value = (key: string): Node | string => {
    const field = record[key];
    if (key.endsWith("_at") && typeof field === "string") return `${formatInstant(field)}  (${field})${key === "expire_at" && isExpired(trace, now) ? " expired: the TTL policy deletes it soon" : ""}`;
    if (key === "duration_ms") return formatDuration(trace.duration_ms);
    if (field === null || field === undefined) return "—";
    if (typeof field === "object") return textBlock(JSON.stringify(field, null, 2));
    return String(field);
  };
  return h("dl", { class: "fields", "data-testid": "fields" }, keys.flatMap((key) => [h("dt", {}, key), h("dd", { "data-field": key }, value(key), key === "user_id" ? senderTag(trace) : null)]));
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
