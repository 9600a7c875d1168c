import { formatDuration, formatInstant, type StoredTrace } from "@agent-traces/store";
import { onSnapshot, type QueryDocumentSnapshot, type Unsubscribe } from "firebase/firestore";
import { h, replaceChildren } from "../dom.js";
import { isExpired, traceFromDocument } from "../data/traceFromDocument.js";
import { PAGE_SIZE, traceListQuery } from "../data/traceQueries.js";
import { feedbackCountsText } from "../view/feedbackView.js";
import { formatAge, previewText } from "../view/format.js";
import { costComputed, runCostText, type RunCostFields } from "../view/runCost.js";
import { compareHref } from "../view/compareHref.js";
import { saveListContext } from "../view/listContext.js";
import { listFilterSearch, localInputValue, parseInstant, parseListFilter, type ListFilter } from "../view/listFilter.js";
import { loadStateOf, OFFLINE_TEXT } from "../view/loadState.js";
import { sessionHref } from "../view/sessionView.js";
import { errorBox } from "./errorBox.js";
import { loadStateLine, setLoadState } from "./loadStateLine.js";
import { setReady, type Page, type PageContext } from "./page.js";
import { senderTag } from "./senderTag.js";
import { statusBadge } from "./statusBadge.js";

const PREVIEW_CHARS = 120;
/** A session id is shown cut to this many characters (whole in its tooltip). */
const SESSION_CHARS = 14;
/**
 * Runs from this browser's cache (coming back from a run page, say) are said calmly for this long,
 * as Firestore usually answers by then; still no answer after it, the offline warning (OFFLINE_TEXT).
 */
const CACHED_CALM_MS = 2_000;
const CACHED_RUNS_TEXT = "Showing this browser's cached runs; waiting for Firestore…";

/** `/`: the runs, newest first, live, paged, filtered by the URL's query string; two of them can be picked to compare. */
export function listPage(context: PageContext): Page {
  const { root, firebase, url, navigate } = context;
  const { filter, problems } = parseListFilter(url.search);
  const search = listFilterSearch(filter);
  const filtered = search !== "";
  const rows = h("tbody");
  // One status line saying what is known: loading, offline (a cached answer), empty (the server's) or live.
  const loadState = loadStateLine("loading", "Loading runs…", "span");
  const errors = h("div");
  const previous = h("button", { type: "button", "data-testid": "prev-page", disabled: true }, "← Newer");
  const next = h("button", { type: "button", "data-testid": "next-page", disabled: true }, "Older →");
  const pageLabel = h("span", { class: "muted" });
  const emptyLine = filtered ? "No run matches these filters" : "No runs stored yet";
  const emptyText = filter.feedback === "negative" ? `${emptyLine}: no run has a thumbs-down rating.` : `${emptyLine}.`;
  const empty = h("p", { class: "empty", "data-testid": "empty", hidden: true }, emptyText);
  const picker = comparePicker();

  replaceChildren(
    root,
    h("h1", {}, "Runs"),
    filterForm(filter, navigate),
    problems.length ? h("div", { class: "warning" }, `Ignored: ${problems.join("; ")}.`) : null,
    filter.tool
      ? h("p", { class: "muted", "data-testid": "tool-filter-note" }, `Runs where the tool "${filter.tool}" failed. Runs stored before failed tool names were stored are not found by this filter.`)
      : null,
    errors,
    h("div", { class: "list-head" }, loadState, picker.element, h("span", { class: "pager" }, previous, pageLabel, next)),
    h(
      "table",
      { class: "traces", "data-testid": "trace-list" },
      h(
        "thead",
        {},
        h("tr", {}, ...["Compare", "When", "Skill", "User", "Status", "Duration", "Cost", "Iter.", "Tools", "Failed", "Session", "Output or error"].map((name) => h("th", {}, name))),
      ),
      rows,
    ),
    empty,
  );

  // Page n starts after the last run shown on page n - 1; the first page has no cursor.
  const cursors: QueryDocumentSnapshot[] = [];
  let pageIndex = 0;
  let lastShown: QueryDocumentSnapshot | undefined;
  let unsubscribe: Unsubscribe | undefined;
  // While cached runs are said calmly: the timer that turns it into the warning.
  let calm: ReturnType<typeof setTimeout> | undefined;
  let warned = false;
  const stopCalm = () => {
    clearTimeout(calm);
    calm = undefined;
  };

  const listen = () => {
    unsubscribe?.();
    stopCalm();
    warned = false;
    let rendered = false;
    setLoadState(loadState, "loading", "Loading runs…");
    const query = traceListQuery(firebase.db, filter, { after: cursors[pageIndex - 1], size: PAGE_SIZE });
    // With metadata changes, the server's answer arrives even when it equals the cached one (fromCache turns false).
    unsubscribe = onSnapshot(
      query,
      { includeMetadataChanges: true },
      (snapshot) => {
        const docs = snapshot.docs.slice(0, PAGE_SIZE);
        const traces = docs.map((doc) => traceFromDocument(doc.data()));
        const fromCache = snapshot.metadata.fromCache;
        lastShown = docs.at(-1);
        const now = Date.now();
        // Rows are rebuilt only when runs changed: a metadata-only snapshot (the server confirming the
        // cache) keeps them, so a row being clicked is never swapped out from under the pointer.
        if (!rendered || snapshot.docChanges().length > 0) {
          replaceChildren(rows, traces.map((trace) => traceRow(trace, search, now, navigate, picker)));
          rendered = true;
        }
        const state = loadStateOf(traces.length, fromCache);
        // "No runs" only once the server said so: an empty cached answer means "not answered yet".
        empty.hidden = state !== "empty";
        previous.disabled = pageIndex === 0;
        next.disabled = snapshot.docs.length <= PAGE_SIZE;
        pageLabel.textContent = `page ${pageIndex + 1}`;
        const first = pageIndex * PAGE_SIZE;
        if (state === "offline" && traces.length > 0 && !warned) {
          // data-state stays honest (offline); only the tone waits for CACHED_CALM_MS.
          setLoadState(loadState, state, CACHED_RUNS_TEXT, "muted");
          calm ??= setTimeout(() => {
            calm = undefined;
            warned = true;
            setLoadState(loadState, "offline", OFFLINE_TEXT);
          }, CACHED_CALM_MS);
        } else {
          stopCalm();
          if (state === "offline") {
            warned = true;
            setLoadState(loadState, state, OFFLINE_TEXT);
          } else if (state === "empty") setLoadState(loadState, state, pageIndex === 0 ? emptyLine : "No runs on this page");
          else setLoadState(loadState, state, pageIndex === 0 ? `● live: ${traces.length} newest runs` : `● live: runs ${first + 1}–${first + traces.length}`);
        }
        errors.replaceChildren();
        saveListContext(sessionStorage, { search, ids: traces.map((trace) => trace.trace_id) });
        if (!fromCache || traces.length > 0) setReady("list");
      },
      (error) => {
        stopCalm();
        loadState.dataset.state = "stopped";
        loadState.textContent = "Stopped: the list no longer updates (see the error above).";
        errors.replaceChildren(errorBox(error));
        setReady("list");
      },
    );
  };

  next.addEventListener("click", () => {
    if (!lastShown) return;
    cursors[pageIndex] = lastShown;
    pageIndex++;
    listen();
  });
  previous.addEventListener("click", () => {
    if (pageIndex === 0) return;
    pageIndex--;
    listen();
  });
  listen();
  return {
    dispose: () => {
      unsubscribe?.();
      stopCalm();
    },
  };
}

function traceRow(trace: StoredTrace, search: string, now: number, navigate: (path: string) => void, picker: ComparePicker): HTMLTableRowElement {
  const href = `/traces/${encodeURIComponent(trace.trace_id)}${search}`;
  const expired = isExpired(trace, now);
  const failed = trace.status !== "success";
  const error = trace.metadata.error;
  const preview = failed && error !== undefined ? (typeof error === "string" ? error : JSON.stringify(error)) : trace.final_output;
  const ratings = feedbackCountsText(trace.feedback);
  const row = h(
    "tr",
    {
      "data-trace-id": trace.trace_id,
      "data-status": trace.status,
      "data-expired": expired ? "true" : null,
      class: `status-${trace.status}${expired ? " expired" : ""}`,
      title: expired ? `Expired at ${formatInstant(trace.expire_at)}: the TTL policy deletes it soon` : null,
      onclick: (event: Event) => {
        // A link navigates by itself; the compare cell only picks the run.
        if ((event.target as Element).closest("a, td[data-col=select]")) return;
        navigate(href);
      },
    },
    h("td", { "data-col": "select" }, picker.checkbox(trace.trace_id)),
    h("td", { "data-col": "when" }, h("a", { href }, formatInstant(trace.started_at)), h("span", { class: "age" }, formatAge(trace.started_at, now))),
    h("td", { "data-col": "skill" }, trace.skill ?? h("span", { class: "muted" }, "—")),
    h("td", { "data-col": "user" }, trace.user_id === null || trace.user_id === undefined ? "—" : String(trace.user_id), senderTag(trace)),
    h(
      "td",
      { "data-col": "status" },
      statusBadge(trace.status),
      expired ? [" ", h("span", { class: "tag" }, "expired")] : null,
      ratings ? [" ", h("span", { class: "tag ratings", "data-testid": "feedback-counts", title: "Ratings: one per rater, each rater's latest" }, ratings)] : null,
    ),
    h("td", { "data-col": "duration", class: "number" }, formatDuration(trace.duration_ms)),
    h("td", { "data-col": "cost", class: "number", title: costTitle(trace) }, runCostText(trace)),
    h("td", { "data-col": "iterations", class: "number" }, trace.iterations),
    h("td", { "data-col": "tools", class: "number" }, trace.tool_traces.length + trace.tool_traces_dropped),
    h("td", { "data-col": "failed", class: trace.tool_error_count > 0 ? "number failed" : "number" }, trace.tool_error_count),
    h(
      "td",
      { "data-col": "session" },
      trace.session_id
        ? h("a", { href: sessionHref(trace.session_id), "data-testid": "session-link", title: `Session ${trace.session_id}: every run of this conversation` }, previewText(trace.session_id, SESSION_CHARS))
        : h("span", { class: "muted" }, "—"),
    ),
    h("td", { "data-col": "preview", class: failed ? "preview failed" : "preview" }, previewText(preview, PREVIEW_CHARS)),
  );
  return row;
}

/** The runs picked to compare (in the order they were checked) and the link comparing two of them. */
interface ComparePicker {
  element: HTMLElement;
  /** A row's checkbox, checked when `traceId` is picked: a re-rendered row keeps its pick. */
  checkbox(traceId: string): HTMLInputElement;
}

/**
 * Picks runs to compare across re-renders and pages. The link compares the first checked run (a)
 * with the second (b): the order the reader chose, like `diff a b`, whatever the list's order.
 */
function comparePicker(): ComparePicker {
  const picked = new Set<string>();
  const link = h("a", { "data-testid": "compare-selected", "aria-disabled": "true", class: "disabled" }, "Compare the two selected");
  const hint = h("span", { class: "muted", "data-testid": "compare-hint" });
  const update = () => {
    const [a, b] = [...picked];
    const ready = picked.size === 2 && a !== undefined && b !== undefined;
    if (ready) {
      link.setAttribute("href", compareHref(a, b));
      link.removeAttribute("aria-disabled");
      link.classList.remove("disabled");
    } else {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
      link.classList.add("disabled");
    }
    hint.textContent = picked.size === 0 ? "(check two runs)" : picked.size === 1 ? "(check one more)" : picked.size === 2 ? "" : `(${picked.size} checked: select two)`;
  };
  update();
  return {
    element: h("span", { class: "compare-picker", "data-testid": "compare-picker" }, link, " ", hint),
    checkbox(traceId) {
      const box = h("input", {
        type: "checkbox",
        "aria-label": `Select ${traceId} to compare`,
        "data-testid": "compare-check",
        checked: picked.has(traceId),
        onchange: () => {
          if (box.checked) picked.add(traceId);
          else picked.delete(traceId);
          update();
        },
      });
      return box;
    },
  };
}

/** The cost cell's tooltip: which models had no price, or why there is no cost. */
function costTitle(trace: RunCostFields): string | null {
  if (trace.unpriced_models?.length) return `No price for ${trace.unpriced_models.join(", ")}: not counted as free`;
  if (!trace.usage?.length) return "No token usage recorded";
  return costComputed(trace) ? null : "Not priced: stored before costs were computed";
}

function filterForm(filter: ListFilter, navigate: (path: string) => void): HTMLFormElement {
  const statusSelect = h(
    "select",
    { name: "status" },
    ...(["", "success", "error", "timeout"] as const).map((value) => h("option", { value, selected: (filter.status ?? "") === value }, value || "any status")),
  );
  const text = (name: "skill" | "user", placeholder: string) => h("input", { name, type: "text", placeholder, value: filter[name] ?? "" });
  const instant = (name: "from" | "to") => h("input", { name, type: "datetime-local", step: 1, value: localInputValue(filter[name]) });
  const negative = filter.feedback === "negative";
  // Only a start-time range combines with the negative-feedback or the failed-tool filter (see store's
  // planListTraces): the other fields are off while one of them is on.
  const exclusive = [statusSelect, text("skill", "any skill"), text("user", "any user")] as const;
  const negativeBox = h("input", { name: "feedback", type: "checkbox", value: "negative", checked: negative, "data-testid": "negative-feedback", onchange: () => setExclusive() });
  const toolInput = h("input", { name: "tool", type: "text", placeholder: "any tool", value: filter.tool ?? "", "data-testid": "failed-tool", oninput: () => setExclusive() });
  const setExclusive = () => {
    const toolOn = toolInput.value.trim() !== "";
    for (const field of exclusive) field.disabled = toolOn || negativeBox.checked;
    negativeBox.disabled = toolOn;
    toolInput.disabled = negativeBox.checked;
  };
  setExclusive();
  const form = h(
    "form",
    {
      class: "filters",
      "data-testid": "filters",
      onsubmit: (event: Event) => {
        event.preventDefault();
        const data = new FormData(form);
        const value = (name: string) => String(data.get(name) ?? "").trim();
        const next: ListFilter = {};
        if (value("tool")) next.tool = value("tool");
        else if (value("feedback") === "negative") next.feedback = "negative";
        else {
          const statusValue = value("status");
          if (statusValue === "success" || statusValue === "error" || statusValue === "timeout") next.status = statusValue;
          if (value("skill")) next.skill = value("skill");
          if (value("user")) next.user = value("user");
        }
        const from = parseInstant(value("from"));
        const to = parseInstant(value("to"));
        if (from) next.from = from;
        if (to) next.to = to;
        navigate(`/${listFilterSearch(next)}`);
      },
    },
    h("label", {}, "Status ", statusSelect),
    h("label", {}, "Skill ", exclusive[1]),
    h("label", {}, "User ", exclusive[2]),
    h("label", { title: "Runs rated thumbs-down at least once, newest first; combines with the start time only" }, negativeBox, " Negative feedback"),
    h("label", { title: "Runs where a call of this tool failed, newest first; combines with the start time only" }, "Failed tool ", toolInput),
    h("label", {}, "Started from ", instant("from")),
    h("label", {}, "to ", instant("to")),
    h("button", { type: "submit" }, "Apply"),
    h("a", { href: "/", class: "clear" }, "Clear"),
  );
  return form;
}
