import { DAY_MS } from "@agent-traces/core";
import { formatInstant } from "@agent-traces/store";
import type { TraceErrorReport } from "@agent-traces/admin";
import { onSnapshot } from "firebase/firestore";
import { h, replaceChildren } from "../dom.js";
import { recentReportsQuery } from "../data/traceQueries.js";
import { previewText } from "../view/format.js";
import { loadStateOf, OFFLINE_TEXT } from "../view/loadState.js";
import { hourStart, reportSeries, SERIES_DAYS } from "../view/reportSeries.js";
import { reportHeadline, reportListHref, reportNegativeFeedback, reportUsage } from "../view/reportView.js";
import { errorBox } from "./errorBox.js";
import { loadStateLine, setLoadState } from "./loadStateLine.js";
import { setReady, type Page, type PageContext } from "./page.js";
import { reportPlots } from "./reportsPlots.js";
import "./reports.css";

/** Reports shown in full below the plots, newest first. */
const REPORTS_SHOWN = 48;

/**
 * `/reports`: the plots of the last 7 days' scheduled error reports (`trace_reports`), then the
 * newest reports in full, each linking to its runs. One live query: the reports whose window started
 * in the last 7 days. It says whether Firestore has answered: an empty answer from the cache is
 * "not answered yet", never "no reports".
 */
export function reportsPage(context: PageContext): Page {
  const { root, firebase } = context;
  const heading = () => h("h1", {}, "Error reports");
  replaceChildren(root, heading(), loadStateLine("loading", "Loading reports…"));
  const since = new Date(hourStart(Date.now()) - SERIES_DAYS * DAY_MS);
  const unsubscribe = onSnapshot(
    recentReportsQuery(firebase.db, since),
    { includeMetadataChanges: true },
    (snapshot) => {
      const fromCache = snapshot.metadata.fromCache;
      const reports = snapshot.docs.map((doc) => doc.data() as TraceErrorReport);
      const state = loadStateOf(reports.length, fromCache);
      const stateText =
        state === "offline"
          ? OFFLINE_TEXT
          : state === "empty"
            ? `No reports in the last ${SERIES_DAYS} days.`
            : `● live: ${reports.length} ${reports.length === 1 ? "report" : "reports"} of the last ${SERIES_DAYS} days`;
      // The server confirming the cached reports changes only the state line: the page under the
      // reader's pointer stays as it is.
      const shownLine = root.querySelector<HTMLElement>("[data-testid=load-state]");
      if (shownLine && reports.length > 0 && snapshot.docChanges().length === 0) {
        setLoadState(shownLine, state, stateText);
        if (!fromCache) setReady("reports");
        return;
      }
      // A live update rebuilds the page: the tables the reader opened stay open.
      const open = new Set(Array.from(root.querySelectorAll<HTMLDetailsElement>("details[data-key][open]"), (details) => details.dataset.key));
      replaceChildren(
        root,
        heading(),
        loadStateLine(state, stateText),
        h("p", { class: "muted" }, "One per window of commit time (committed_at: when a run was stored), written by the scheduled function reportTraceErrors. The links list runs by start time, so a run that started before its window is not among them."),
        state === "empty" ? h("p", { class: "empty", "data-testid": "empty" }, `No reports in the last ${SERIES_DAYS} days. The scheduled function writes one every hour; \`npm run report\` prints one now.`) : null,
        reports.length ? reportPlots(reportSeries(reports, Date.now())) : null,
        reports.slice(0, REPORTS_SHOWN).map(reportSection),
      );
      root.querySelectorAll<HTMLDetailsElement>("details[data-key]").forEach((details) => {
        if (open.has(details.dataset.key)) details.open = true;
      });
      // An empty snapshot from the cache is no answer yet: tests and people wait for the server's.
      if (!fromCache || reports.length > 0) setReady("reports");
    },
    (error) => {
      replaceChildren(root, heading(), errorBox(error));
      setReady("reports");
    },
  );
  return { dispose: unsubscribe };
}

function reportSection(report: TraceErrorReport): HTMLElement {
  const headline = reportHeadline(report);
  const usage = reportUsage(report);
  const feedback = reportNegativeFeedback(report);
  return h(
    "section",
    { class: "report", "data-testid": "report", "data-window-start": report.window_start },
    h("h2", {}, `${formatInstant(report.window_start)} → ${formatInstant(report.window_end)}`),
    h(
      "dl",
      { class: "headline" },
      h("dt", {}, "Failed runs"),
      h("dd", { "data-field": "failures", class: report.failures > 0 ? "failed" : null }, headline.failures, " ", h("a", { "data-testid": "report-link", href: reportListHref(report, { status: "error" }) }, "errors"), " · ", h("a", { href: reportListHref(report, { status: "timeout" }) }, "timeouts")),
      h("dt", {}, "Error rate"),
      h(
        "dd",
        { "data-field": "error-rate" },
        headline.errorRate,
        headline.margin ? [" ", h("span", { "data-field": "margin", title: "The estimated runs' margin of error at 95%: the sampled successes stand for the runs not stored" }, headline.margin)] : null,
        h("span", { class: "muted" }, " (estimate)"),
      ),
      h("dt", {}, "Against the previous window"),
      h("dd", { "data-field": "change" }, headline.change),
      h("dt", {}, "Users affected"),
      h("dd", { "data-field": "users" }, report.users_affected),
      feedback
        ? [
            h("dt", {}, "Negative feedback"),
            h("dd", { "data-field": "negative-feedback" }, feedback.total, feedback.bySkill ? h("span", { class: "muted" }, " (given in the window, by each rating's latest change)") : null),
          ]
        : null,
      usage ? [h("dt", {}, "Tokens"), h("dd", { "data-field": "tokens" }, usage.total, h("span", { class: "muted" }, " (estimate)"))] : null,
      usage?.cost
        ? [
            h("dt", {}, "Cost"),
            h(
              "dd",
              { "data-field": "cost" },
              usage.cost,
              h("span", { class: "muted" }, " (estimate)"),
              usage.unpriced ? h("span", { class: "muted", "data-field": "unpriced" }, `; no price for ${usage.unpriced} (left out of the cost, not counted as free)`) : null,
            ),
          ]
        : null,
    ),
    report.by_skill.length
      ? h(
          "table",
          { class: "breakdown", "data-testid": "by-skill" },
          h("thead", {}, h("tr", {}, h("th", {}, "Skill"), h("th", {}, "Errors"), h("th", {}, "Timeouts"), feedback?.bySkill ? h("th", {}, "Thumbs-down") : null)),
          h(
            "tbody",
            {},
            report.by_skill.map((entry) =>
              h(
                "tr",
                {},
                h("td", {}, entry.skill),
                h("td", { class: "number" }, entry.skill === "(none)" ? entry.errors : h("a", { href: reportListHref(report, { status: "error", skill: entry.skill }) }, entry.errors)),
                h("td", { class: "number" }, entry.skill === "(none)" ? entry.timeouts : h("a", { href: reportListHref(report, { status: "timeout", skill: entry.skill }) }, entry.timeouts)),
                feedback?.bySkill ? h("td", { class: "number" }, entry.negative_feedback ?? 0) : null,
              ),
            ),
          ),
        )
      : null,
    report.by_tool.length
      ? h(
          "table",
          { class: "breakdown", "data-testid": "by-tool" },
          h("thead", {}, h("tr", {}, h("th", {}, "Failing tool"), h("th", {}, "Failed calls"), h("th", {}, "Runs"))),
          h(
            "tbody",
            {},
            report.by_tool.map((entry) =>
              h(
                "tr",
                { "data-tool": entry.tool },
                h("td", {}, h("a", { href: reportListHref(report, { tool: entry.tool }), "data-testid": "failing-tool-link", title: "The runs started in the window where this tool failed" }, entry.tool)),
                h("td", { class: "number" }, entry.failed_calls),
                h("td", { class: "number" }, entry.runs),
              ),
            ),
          ),
        )
      : null,
    report.top_errors.length
      ? h(
          "ul",
          { class: "top-errors" },
          report.top_errors.map((entry) =>
            h("li", {}, h("strong", {}, `${entry.count}×`), " ", previewText(entry.message, 200), " ", entry.sample_trace_ids.map((id) => h("a", { href: `/traces/${encodeURIComponent(id)}`, class: "sample" }, id.slice(0, 8)))),
          ),
        )
      : null,
    usage
      ? h(
          "table",
          { class: "breakdown", "data-testid": "usage" },
          h(
            "thead",
            {},
            h("tr", {}, h("th", {}, "Skill"), h("th", {}, "Input tokens"), h("th", {}, "Output tokens"), usage.cost ? h("th", {}, "Cost") : null, h("th", {}, usage.cost ? "By model (in / out, cost)" : "By model (in / out)")),
          ),
          h(
            "tbody",
            {},
            usage.rows.map((row) =>
              h(
                "tr",
                {},
                h("td", {}, row.skill),
                h("td", { class: "number" }, row.input),
                h("td", { class: "number" }, row.output),
                row.cost === undefined ? null : h("td", { class: "number" }, row.cost),
                h("td", { class: "muted" }, row.models),
              ),
            ),
          ),
        )
      : null,
    report.truncated ? h("p", { class: "warning" }, "The breakdowns cover the newest failures only (read cap reached); the counts are exact.") : null,
    feedback?.truncated ? h("p", { class: "warning" }, feedback.truncated) : null,
    usage?.truncated ? h("p", { class: "warning" }, "The token and cost sums cover the newest traces only (read cap reached).") : null,
  );
}
