import { formatDuration, formatInstant, type StoredTrace } from "@agent-traces/store";
import { getDocs, type QueryDocumentSnapshot, type QuerySnapshot } from "firebase/firestore";
import { append, h, replaceChildren } from "../dom.js";
import { isExpired, traceFromDocument } from "../data/traceFromDocument.js";
import { readQueryUntilAnswered } from "../data/untilAnswered.js";
import { SESSION_PAGE_SIZE, sessionRunsQuery } from "../data/traceQueries.js";
import { feedbackCountsText } from "../view/feedbackView.js";
import { sessionUsers, summarizeSession } from "../view/sessionView.js";
import { OFFLINE_TEXT } from "../view/loadState.js";
import { waterfallBars } from "../view/waterfall.js";
import { errorBox } from "./errorBox.js";
import { loadStateLine } from "./loadStateLine.js";
import { setReady, type Page, type PageContext } from "./page.js";
import { senderTag } from "./senderTag.js";
import { statusBadge } from "./statusBadge.js";
import { textBlock } from "./textBlock.js";

/**
 * `/sessions/{session_id}`: one conversation's runs oldest first, each with its status, tool calls, output and ratings, linking to its run.
 * "Not found" only when Firestore said so: runs not answered yet (offline, or still connecting) say that.
 */
export function sessionPage(context: PageContext, sessionId: string): Page {
  const { root, firebase } = context;
  let disposed = false;
  const loaded: StoredTrace[] = [];
  let last: QueryDocumentSnapshot | undefined;
  replaceChildren(root, loadStateLine("loading", "Loading session…"));

  const runList = h("ol", { class: "session-runs", "data-testid": "session-runs" });
  const summary = h("p", { class: "session-summary", "data-testid": "session-summary" });
  const state = h("div");
  const errors = h("div");
  // Off until Firestore answers the first page: that answer replaces what is shown, later runs read before it included.
  const more = h("button", { type: "button", "data-testid": "more-runs", hidden: true, disabled: true, title: "Available once Firestore has answered" }, `Later runs (${SESSION_PAGE_SIZE} more)`);

  /** Shows a page of runs after those shown; `answered`: the server confirmed it (else it came from this browser's cache). */
  const show = (snapshot: QuerySnapshot, answered: boolean): void => {
    const docs = snapshot.docs.slice(0, SESSION_PAGE_SIZE);
    const first = loaded.length === 0;
    if (first && docs.length === 0) {
      replaceChildren(
        root,
        h(
          "div",
          { class: "not-found", "data-testid": "not-found" },
          h("h1", {}, "Session not found"),
          loadStateLine("empty", "Firestore answered: no run of this session."),
          h("p", {}, "No stored run has the session id ", h("code", {}, sessionId), ". Its runs may have been sampled out, never sent, or deleted by the TTL policy."),
          h("a", { href: "/" }, "← The runs"),
        ),
      );
      setReady("not-found");
      return;
    }
    last = docs.at(-1);
    loaded.push(...docs.map((doc) => traceFromDocument(doc.data())));
    more.hidden = snapshot.docs.length <= SESSION_PAGE_SIZE;
    replaceChildren(state, answered ? loadStateLine("live", "● read from Firestore") : loadStateLine("offline", OFFLINE_TEXT));
    if (first) {
      replaceChildren(
        root,
        h(
          "article",
          { class: "session", "data-testid": "session", "data-session-id": sessionId },
          h("nav", { class: "run-nav" }, h("a", { href: "/" }, "← List")),
          h("header", { class: "run-head" }, h("h1", {}, "Session ", h("code", { "data-testid": "session-id" }, sessionId)), summary),
          state,
          errors,
          runList,
          more,
        ),
      );
    }
    // Users are shown on each run only when the runs loaded so far name more than one.
    const users = sessionUsers(loaded);
    replaceChildren(runList, loaded.map((trace, index) => sessionRun(trace, index, users.length > 1)));
    const counts = summarizeSession(loaded);
    replaceChildren(
      summary,
      `${counts.runs}${more.hidden ? "" : "+"} ${counts.runs === 1 ? "run" : "runs"}`,
      counts.error ? h("span", { class: "failed" }, ` · ${counts.error} error`) : null,
      counts.timeout ? h("span", { class: "failed" }, ` · ${counts.timeout} timeout`) : null,
      ` · ${formatInstant(counts.firstStartedAt!)} → ${formatInstant(counts.lastStartedAt!)}`,
      users.length === 1 ? [" · user ", h("span", { "data-testid": "session-user" }, users[0]!)] : ` · ${users.length} users`,
    );
    setReady("session");
  };

  const fail = (error: unknown) => {
    if (disposed) return;
    if (loaded.length === 0) replaceChildren(root, errorBox(error));
    else errors.replaceChildren(errorBox(error));
    setReady("session");
  };

  // The first page: shown from the cache while Firestore has not answered, then as answered.
  const stop = readQueryUntilAnswered(sessionRunsQuery(firebase.db, sessionId, { size: SESSION_PAGE_SIZE }), {
    cached: (snapshot) => {
      if (disposed) return;
      if (snapshot.empty) {
        // Not answered and nothing cached: neither runs nor "not found". No data-ready: nothing is known yet.
        replaceChildren(root, h("div", { class: "not-loaded" }, h("h1", {}, "Session not loaded yet"), loadStateLine("offline", OFFLINE_TEXT), h("p", {}, "Session ", h("code", {}, sessionId), "."), h("a", { href: "/" }, "← The runs")));
        return;
      }
      loaded.length = 0;
      show(snapshot, false);
    },
    answered: (snapshot) => {
      if (disposed) return;
      loaded.length = 0;
      show(snapshot, true);
      more.disabled = false;
      more.removeAttribute("title");
    },
    failed: fail,
  });

  /** The next runs after the last one shown, read once. */
  const loadMore = async (): Promise<void> => {
    const snapshot = await getDocs(sessionRunsQuery(firebase.db, sessionId, { after: last, size: SESSION_PAGE_SIZE }));
    if (disposed) return;
    if (snapshot.metadata.fromCache && snapshot.empty) {
      errors.replaceChildren(h("p", { class: "warning" }, "The later runs were not read: Firestore has not answered (offline, or still connecting). Try again."));
      return;
    }
    show(snapshot, !snapshot.metadata.fromCache);
  };
  more.addEventListener("click", () => {
    more.disabled = true;
    errors.replaceChildren();
    void loadMore().then(
      () => (more.disabled = false),
      (error: unknown) => {
        more.disabled = false;
        fail(error);
      },
    );
  });
  return {
    dispose: () => {
      disposed = true;
      stop();
    },
  };
}

/** One run of the session: when, status, skill, duration, user (when several), ratings, its tool calls in order of start, and its error and output. */
function sessionRun(trace: StoredTrace, index: number, showUser: boolean): HTMLElement {
  const href = `/traces/${encodeURIComponent(trace.trace_id)}`;
  const error = trace.metadata.error;
  const ratings = feedbackCountsText(trace.feedback);
  const expired = isExpired(trace, Date.now());
  const calls = h("ol", { class: "session-tools", "data-testid": "session-tools" });
  for (const bar of waterfallBars(trace).bars) {
    const tool = trace.tool_traces[bar.index]!;
    append(calls, [
      h(
        "li",
        { class: tool.is_error ? "failed" : null, "data-testid": "session-tool", "data-error": String(tool.is_error), title: `+${formatDuration(bar.offsetMs)} into the run` },
        h("span", { class: "call-name" }, tool.name),
        " ",
        h("span", { class: "muted" }, formatDuration(tool.duration_ms)),
        tool.is_error ? h("span", { class: "err" }, " ✗ error") : null,
      ),
    ]);
  }
  const toolCount = trace.tool_traces.length;
  return h(
    "li",
    { class: `session-run status-${trace.status}${expired ? " expired" : ""}`, "data-testid": "session-run", "data-trace-id": trace.trace_id, "data-status": trace.status },
    h(
      "div",
      { class: "session-run-head" },
      h("a", { href, "data-testid": "run-link" }, `${index + 1}. ${formatInstant(trace.started_at)}`),
      " ",
      statusBadge(trace.status),
      expired ? h("span", { class: "tag" }, "expired") : null,
      " ",
      h("span", { "data-field": "skill" }, trace.skill ?? "(no skill)"),
      h("span", { class: "muted" }, ` · ${formatDuration(trace.duration_ms)}`),
      showUser ? [h("span", { class: "muted" }, " · user "), h("span", { "data-field": "user" }, trace.user_id === null || trace.user_id === undefined ? "—" : String(trace.user_id)), ...senderTag(trace)] : null,
      ratings ? [" ", h("span", { class: "tag ratings", "data-testid": "feedback-counts", title: "Ratings: one per rater, each rater's latest" }, ratings)] : null,
    ),
    h(
      "div",
      { class: "session-run-tools" },
      h("span", { class: "muted", "data-testid": "tool-count" }, `Tool calls: ${toolCount}`, trace.tool_error_count ? h("span", { class: "failed" }, ` (${trace.tool_error_count} failed)`) : null, trace.tool_traces_dropped ? ` + ${trace.tool_traces_dropped} dropped` : null),
      toolCount ? calls : null,
    ),
    error !== undefined || trace.status !== "success"
      ? h("div", { class: "run-error", "data-testid": "session-run-error" }, h("h3", {}, trace.status === "timeout" ? "Timed out" : "Error"), textBlock(error === undefined ? "(no error message recorded)" : typeof error === "string" ? error : JSON.stringify(error, null, 2)))
      : null,
    h("div", { "data-testid": "session-run-output" }, h("h3", {}, "Output"), textBlock(trace.final_output || "(empty)")),
  );
}
