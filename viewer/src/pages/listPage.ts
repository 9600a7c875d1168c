import { formatDuration, formatInstant, type StoredTrace } from "@agent-traces/store";
import { onSnapshot, type QueryDocumentSnapshot, type Unsubscribe } from "firebase/firestore";
import { h, replaceChildren } from "../dom.js";
import { isExpired, traceFromDocument } from "../data/traceFromDocument.js";
import { PAGE_SIZE, traceListQuery } from "../data/traceQueries.js";
import { feedbackCountsText } from "../view/feedbackView.js";
import { formatAge, previewText } from "../view/format.js";
import { costComputed, runCostText, type RunCostFields } from "../view/runCost.js";
import { saveListContext } from "../view/listContext.js";
import { listFilterSearch, localInputValue, parseInstant, parseListFilter, type ListFilter } from "../view/listFilter.js";
import { sessionHref } from "../view/sessionView.js";
import { errorBox } from "./errorBox.js";
import { setReady, type Page, type PageContext } from "./page.js";
import { senderTag } from "./senderTag.js";
import { statusBadge } from "./statusBadge.js";

const PREVIEW_CHARS = 120;
/** A session id is shown cut to this many characters (whole in its tooltip). */
const SESSION_CHARS = 14;

/** `/`: the runs, newest first, live, paged, filtered by the URL's query string. */
export function listPage(context: PageContext): Page {
  const { root, firebase, url, navigate } = context;
  const { filter, problems } = parseListFilter(url.search);
  const search = listFilterSearch(filter);
  const rows = h("tbody");
  const status = h("span", { class: "muted", "data-testid": "live" }, "connecting…");
  const errors = h("div");
  const previous = h("button", { type: "button", "data-testid": "prev-page", disabled: true }, "← Newer");
  const next = h("button", { type: "button", "data-testid": "next-page", disabled: true }, "Older →");
  const pageLabel = h("span", { class: "muted" });
  const empty = h("p", { class: "empty", "data-testid": "empty", hidden: true }, filter.feedback === "negative" ? "No run matches these filters: no run has a thumbs-down rating." : "No run matches these filters.");

  replaceChildren(
    root,
    filterForm(filter, navigate),
    problems.length ? h("div", { class: "warning" }, `Ignored: ${problems.join("; ")}.`) : null,
    errors,
    h("div", { class: "list-head" }, status, h("span", { class: "pager" }, previous, pageLabel, next)),
    h(
      "table",
      { class: "traces", "data-testid": "trace-list" },
      h("thead", {}, h("tr", {}, ...["When", "Skill", "User", "Status", "Duration", "Cost", "Iter.", "Tools", "Failed", "Session", "Output or error"].map((name) => h("th", {}, name)))),
      rows,
    ),
    empty,
  );

  // Page n starts after the last run shown on page n - 1; the first page has no cursor.
  const cursors: QueryDocumentSnapshot[] = [];
  let pageIndex = 0;
  let lastShown: QueryDocumentSnapshot | undefined;
  let unsubscribe: Unsubscribe | undefined;

  const listen = () => {
    unsubscribe?.();
    status.textContent = "loading…";
    const query = traceListQuery(firebase.db, filter, { after: cursors[pageIndex - 1], size: PAGE_SIZE });
    unsubscribe = onSnapshot(
      query,
      (snapshot) => {
        const docs = snapshot.docs.slice(0, PAGE_SIZE);
        const traces = docs.map((doc) => traceFromDocument(doc.data()));
        lastShown = docs.at(-1);
        const now = Date.now();
        replaceChildren(rows, traces.map((trace) => traceRow(trace, search, now, navigate)));
        empty.hidden = traces.length > 0;
        previous.disabled = pageIndex === 0;
        next.disabled = snapshot.docs.length <= PAGE_SIZE;
        pageLabel.textContent = `page ${pageIndex + 1}`;
        status.textContent = pageIndex === 0 ? `● live: ${traces.length} newest runs` : `● live: runs ${pageIndex * PAGE_SIZE + 1}–${pageIndex * PAGE_SIZE + traces.length}`;
        errors.replaceChildren();
        saveListContext(sessionStorage, { search, ids: traces.map((trace) => trace.trace_id) });
        setReady("list");
      },
      (error) => {
        status.textContent = "stopped";
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
  return { dispose: () => unsubscribe?.() };
}

function traceRow(trace: StoredTrace, search: string, now: number, navigate: (path: string) => void): HTMLTableRowElement {
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
        if ((event.target as Element).closest("a")) return;
        navigate(href);
      },
    },
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
  // Only a start-time range combines with the negative-feedback filter (see store's planListTraces): the other fields are off while it is on.
  const exclusive = [statusSelect, text("skill", "any skill"), text("user", "any user")] as const;
  const setExclusive = (on: boolean) => {
    for (const field of exclusive) field.disabled = on;
  };
  const negativeBox = h("input", { name: "feedback", type: "checkbox", value: "negative", checked: negative, "data-testid": "negative-feedback", onchange: () => setExclusive(negativeBox.checked) });
  setExclusive(negative);
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
        if (value("feedback") === "negative") next.feedback = "negative";
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
    h("label", {}, "Started from ", instant("from")),
    h("label", {}, "to ", instant("to")),
    h("button", { type: "submit" }, "Apply"),
    h("a", { href: "/", class: "clear" }, "Clear"),
  );
  return form;
}
