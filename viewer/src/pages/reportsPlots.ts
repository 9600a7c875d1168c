import { HOUR_MS } from "@agent-traces/core";
import { formatTokens } from "@agent-traces/store";
import { h } from "../dom.js";
import { barChart, lineChart, type Chart, type ChartGap, type ChartSize } from "../view/charts.js";
import { formatPercent } from "../view/format.js";
import { listFilterSearch } from "../view/listFilter.js";
import { OTHER_SKILLS_SERIES, OTHER_TOOLS_SERIES, SERIES_DAYS, type ReportSeries, type ReportSlot, type Slot } from "../view/reportSeries.js";
import { skillRateText, slotCostText, spanText } from "../view/reportView.js";

const WIDE: ChartSize = { width: 840, height: 170 };
const SMALL: ChartSize = { width: 420, height: 120 };

/** The "Last 7 days" section of the Reports page: failures and error rate, per skill, failing tools, tokens and cost; each chart with its table. */
export function reportPlots(series: ReportSeries): HTMLElement {
  const reports = series.slots.filter((slot): slot is ReportSlot => slot.kind === "report");
  const gapHours = Math.round(series.slots.filter((slot) => slot.kind === "gap").reduce((sum, slot) => sum + slot.end - slot.start, 0) / HOUR_MS);
  const period = `${spanText({ start: series.start, end: series.start + HOUR_MS })} to ${spanText({ start: series.end, end: series.end + HOUR_MS })}`;
  const capped = reports.filter((slot) => slot.truncated).length;
  const cappedText = capped > 0 ? ` ${capped} ${capped === 1 ? "report's breakdown covers" : "reports' breakdowns cover"} only the newest failures it read (its read cap): said in the tables' Note column and the bars' titles.` : "";
  return h(
    "section",
    { class: "plots", "data-testid": "plots", "aria-labelledby": "plots-heading", "data-start": new Date(series.start).toISOString(), "data-end": new Date(series.end).toISOString() },
    h("h2", { id: "plots-heading" }, `Last ${SERIES_DAYS} days`),
    h(
      "p",
      { class: "muted" },
      `${period}: ${reports.length} ${reports.length === 1 ? "report" : "reports"}, one bar or point per report window (by commit time). `,
      gapHours > 0 ? `${gapHours} ${gapHours === 1 ? "hour has" : "hours have"} no report: drawn hatched grey and listed as “no report”, not as zero. ` : "Every hour has a report. ",
      series.overlapping > 0 ? `${series.overlapping} ${series.overlapping === 1 ? "report overlaps" : "reports overlap"} an earlier window (the window length changed) and ${series.overlapping === 1 ? "is" : "are"} left out of the plots. ` : "",
      "Each chart has its table below it.",
    ),
    overallFigure(series, reports),
    h("h3", {}, "Per skill"),
    h(
      "p",
      { class: "muted", "data-testid": "skills-note" },
      "The skills with the most failed runs over the period",
      series.skills.includes(OTHER_SKILLS_SERIES) ? `, the rest summed as ${OTHER_SKILLS_SERIES}` : "",
      ". The error rate is the report's estimate for the skill. A report estimates only the skills with failures (the most first, up to a cap): a window where the skill had no failed run is drawn as a hollow ring at 0 and written “no failures” (0 failed; its runs were not estimated). “—” where there is no rate, with why: an older report (written before per-skill estimates), estimates that could not be read, a skill beyond the cap, or one not among the failures read when the report's read cap was reached.",
      cappedText,
    ),
    series.skills.length ? h("div", { class: "small-multiples" }, series.skills.map((skill) => skillFigure(series, skill))) : h("p", { class: "muted", "data-testid": "no-skill-failures" }, "No failed runs in the period."),
    h("h3", {}, "Failing tools"),
    h("p", { class: "muted" }, "The tools with the most failed calls over the period", series.tools.includes(OTHER_TOOLS_SERIES) ? `, the rest summed as ${OTHER_TOOLS_SERIES}` : "", ". Each links to the runs where it failed in the period (the list bounds runs by start time).", cappedText),
    series.tools.length ? h("div", { class: "small-multiples" }, series.tools.map((tool) => toolFigure(series, tool))) : h("p", { class: "muted", "data-testid": "no-tool-failures" }, "No failed tool calls in the period."),
    usageFigure(series, reports),
  );
}

function overallFigure(series: ReportSeries, reports: ReportSlot[]): HTMLElement {
  const total = reports.reduce((sum, slot) => sum + slot.failures, 0);
  const worst = reports.reduce<ReportSlot | undefined>((most, slot) => (!most || (slot.errorRate ?? -1) > (most.errorRate ?? -1) ? slot : most), undefined);
  const failures = barChart({
    label: `Failed runs per report window: ${total} in all; errors solid, timeouts hatched; hours without a report hatched grey.`,
    span: series,
    gaps: gapsOf(series),
    size: WIDE,
    formatValue: compact,
    layers: [
      { name: "Errors", fill: "solid", tone: "err" },
      { name: "Timeouts", fill: "hatch", tone: "warn" },
    ],
    bars: reports.map((slot) => ({ start: slot.start, end: slot.end, values: [slot.errors, slot.timeouts], title: `${spanText(slot)}: ${slot.failures} failed (${slot.errors} errors, ${slot.timeouts} timeouts)` })),
  });
  const rate = lineChart({
    label: `Estimated error rate per report window${worst && worst.errorRate !== null ? `: highest ${formatPercent(worst.errorRate)} at ${spanText(worst)}` : ""}; whiskers: the range at 95%.`,
    span: series,
    gaps: gapsOf(series),
    size: WIDE,
    minTop: 0.05,
    formatValue: axisPercent,
    lines: [{ name: "Error rate (estimate; whisker: range at 95%)", marker: "circle", dashed: false, tone: "ink" }],
    points: reports.map((slot) => ({ start: slot.start, end: slot.end, values: [slot.errorRate], ranges: [slot.errorRateRange], title: `${spanText(slot)}: error rate ${rateText(slot)}` })),
  });
  return h(
    "figure",
    { class: "plot", "data-testid": "plot-overall" },
    h("figcaption", {}, h("h3", {}, "Failed runs and error rate")),
    chartBlock(failures),
    chartBlock(rate),
    tableBlock(
      "overall",
      ["Window", "Failed runs", "Errors", "Timeouts", "Error rate (estimate)", "Range at 95%", "Runs (estimate)"],
      series.slots,
      (slot) => [String(slot.failures), String(slot.errors), String(slot.timeouts), formatPercent(slot.errorRate), slot.errorRateRange ? `${formatPercent(slot.errorRateRange.low)} – ${formatPercent(slot.errorRateRange.high)}` : "—", slot.estimatedRuns === null ? "—" : `~${slot.estimatedRuns}`],
    ),
  );
}

function skillFigure(series: ReportSeries, skill: string): HTMLElement {
  const reports = series.slots.filter((slot): slot is ReportSlot => slot.kind === "report");
  const total = reports.reduce((sum, slot) => sum + (slot.skills[skill]?.failures ?? 0), 0);
  const hasRate = reports.some((slot) => slot.skills[skill]!.rate.kind !== "none");
  const failures = barChart({
    label: `${skill}: failed runs per report window, ${total} in all; errors solid, timeouts hatched.`,
    span: series,
    gaps: gapsOf(series),
    size: SMALL,
    formatValue: compact,
    layers: [
      { name: "Errors", fill: "solid", tone: "err" },
      { name: "Timeouts", fill: "hatch", tone: "warn" },
    ],
    bars: reports.map((slot) => {
      const point = slot.skills[skill]!;
      return { start: slot.start, end: slot.end, values: [point.errors, point.timeouts], title: `${spanText(slot)}: ${skill} ${point.failures} failed (${point.errors} errors, ${point.timeouts} timeouts)${cappedTitle(slot)}` };
    }),
  });
  const rate = hasRate
    ? lineChart({
        label: `${skill}: estimated error rate per report window where the report estimated it; hollow rings at 0: no failed run (its runs not estimated); no point: no rate (the table says why).`,
        span: series,
        gaps: gapsOf(series),
        size: SMALL,
        minTop: 0.05,
        formatValue: axisPercent,
        lines: [{ name: "Error rate (estimate)", marker: "diamond", dashed: true, tone: "ink", other: { name: "No failures (0; runs not estimated)", marker: "ring" } }],
        points: reports.map((slot) => {
          const rate = slot.skills[skill]!.rate;
          return {
            start: slot.start,
            end: slot.end,
            values: [rate.kind === "estimate" ? rate.rate : rate.kind === "no-failures" ? 0 : undefined],
            other: [rate.kind === "no-failures"],
            title: `${spanText(slot)}: ${skill} ${rate.kind === "no-failures" ? "no failures (0 failed; runs not estimated)" : `error rate ${skillRateText(rate)}`}`,
          };
        }),
      })
    : undefined;
  return h(
    "figure",
    { class: "plot small", "data-testid": "plot-skill", "data-skill": skill },
    h("figcaption", {}, h("h4", {}, skill), h("span", { class: "muted" }, ` ${total} failed`)),
    chartBlock(failures),
    rate ? chartBlock(rate) : h("p", { class: "muted" }, "No error-rate estimate for this skill in the period."),
    tableBlock(
      `skill:${skill}`,
      ["Window", "Failed runs", "Errors", "Timeouts", "Error rate (estimate)"],
      series.slots,
      (slot) => {
        const point = slot.skills[skill]!;
        return [String(point.failures), String(point.errors), String(point.timeouts), skillRateText(point.rate)];
      },
      cappedNote,
    ),
  );
}

function toolFigure(series: ReportSeries, tool: string): HTMLElement {
  const reports = series.slots.filter((slot): slot is ReportSlot => slot.kind === "report");
  const total = reports.reduce((sum, slot) => sum + (slot.tools[tool]?.failedCalls ?? 0), 0);
  const chart = barChart({
    label: `${tool}: failed calls per report window, ${total} in all.`,
    span: series,
    gaps: gapsOf(series),
    size: SMALL,
    formatValue: compact,
    layers: [{ name: "Failed calls", fill: "solid", tone: "bar" }],
    bars: reports.map((slot) => {
      const point = slot.tools[tool]!;
      return { start: slot.start, end: slot.end, values: [point.failedCalls], title: `${spanText(slot)}: ${tool} ${point.failedCalls} failed calls in ${point.runs} runs${cappedTitle(slot)}` };
    }),
  });
  const runsHref = tool === OTHER_TOOLS_SERIES ? undefined : `/${listFilterSearch({ tool, from: new Date(series.start), to: new Date(series.end) })}`;
  return h(
    "figure",
    { class: "plot small", "data-testid": "plot-tool", "data-tool": tool },
    h("figcaption", {}, h("h4", {}, tool), h("span", { class: "muted" }, ` ${total} failed calls `), runsHref ? h("a", { href: runsHref, "data-testid": "tool-runs-link" }, "runs where it failed") : null),
    chartBlock(chart),
    tableBlock(
      `tool:${tool}`,
      ["Window", "Failed calls", "Failed runs"],
      series.slots,
      (slot) => {
        const point = slot.tools[tool]!;
        return [String(point.failedCalls), String(point.runs)];
      },
      cappedNote,
    ),
  );
}

function usageFigure(series: ReportSeries, reports: ReportSlot[]): HTMLElement {
  const withUsage = reports.filter((slot) => slot.usage);
  // A report written before usage was summed is no zero either: drawn as a gap, like a missing report.
  const unrecorded: ChartGap[] = reports.filter((slot) => !slot.usage).map((slot) => ({ start: slot.start, end: slot.end, title: `no usage recorded: ${spanText(slot)}`, label: "not recorded" }));
  const unpriced: ChartGap[] = reports.filter((slot) => slot.usage?.costUsd === null).map((slot) => ({ start: slot.start, end: slot.end, title: `unpriced (no model had a price): ${spanText(slot)}`, label: "unpriced" }));
  const input = withUsage.reduce((sum, slot) => sum + slot.usage!.input, 0);
  const output = withUsage.reduce((sum, slot) => sum + slot.usage!.output, 0);
  const tokens = barChart({
    label: `Tokens per report window (estimate): ${formatTokens(input)} in, ${formatTokens(output)} out in all; input solid, output dotted; hours without a report or without usage recorded hatched grey.`,
    span: series,
    gaps: [...gapsOf(series), ...unrecorded],
    size: WIDE,
    formatValue: compact,
    layers: [
      { name: "Input tokens", fill: "solid", tone: "bar" },
      { name: "Output tokens", fill: "dots", tone: "ink" },
    ],
    bars: withUsage.map((slot) => ({ start: slot.start, end: slot.end, values: [slot.usage!.input, slot.usage!.output], title: `${spanText(slot)}: ${formatTokens(slot.usage!.input)} in / ${formatTokens(slot.usage!.output)} out` })),
  });
  const priced = reports.filter((slot) => typeof slot.usage?.costUsd === "number");
  const cost = lineChart({
    label: "Cost per report window (estimate, priced models only); hours without a report, without usage recorded or with no priced model hatched grey; a window with some unpriced models says so in the table.",
    span: series,
    gaps: [...gapsOf(series), ...unrecorded, ...unpriced],
    size: WIDE,
    formatValue: axisUsd,
    lines: [{ name: "Cost in USD (estimate, priced models only)", marker: "square", dashed: true, tone: "bar" }],
    points: priced.map((slot) => ({ start: slot.start, end: slot.end, values: [slot.usage!.costUsd], title: `${spanText(slot)}: ${slotCostText(slot.usage)}` })),
  });
  return h(
    "figure",
    { class: "plot", "data-testid": "plot-usage" },
    h("figcaption", {}, h("h3", {}, "Tokens and cost")),
    chartBlock(tokens),
    priced.length ? chartBlock(cost) : h("p", { class: "muted" }, "No priced cost in the period (reports written before costs were, or only models without a price)."),
    tableBlock("usage", ["Window", "Input tokens", "Output tokens", "Cost (estimate)"], series.slots, (slot) =>
      slot.usage ? [formatTokens(slot.usage.input), formatTokens(slot.usage.output), slotCostText(slot.usage)] : ["not recorded", "not recorded", "not recorded"],
    ),
  );
}

function chartBlock({ chart, legend }: Chart): HTMLElement {
  return h("div", { class: "chart-block" }, legend, chart);
}

/**
 * A chart's text equivalent: one row per report window and one per run of hours without a report,
 * newest first, in a closed <details> (`data-key` lets the page reopen it after a live update); a
 * Note column when `note` says something of some window.
 */
function tableBlock(key: string, tableHeadings: string[], slots: readonly Slot[], tableCells: (slot: ReportSlot) => string[], note?: (slot: ReportSlot) => string | undefined): HTMLElement {
  const noted = note !== undefined && slots.some((slot) => slot.kind === "report" && note(slot) !== undefined);
  const headings = noted ? [...tableHeadings, "Note"] : tableHeadings;
  const cells = (slot: ReportSlot) => [...tableCells(slot).map((cell) => h("td", { class: "number" }, cell)), noted ? h("td", { class: "muted" }, note(slot) ?? "") : null];
  return h(
    "details",
    { class: "plot-table", "data-key": key },
    h("summary", {}, "Table"),
    h(
      "table",
      { class: "breakdown", "data-testid": "plot-table" },
      h("thead", {}, h("tr", {}, headings.map((heading) => h("th", { scope: "col" }, heading)))),
      h(
        "tbody",
        {},
        [...slots].reverse().map((slot) =>
          h(
            "tr",
            { "data-start": new Date(slot.start).toISOString(), "data-kind": slot.kind, class: slot.kind === "gap" ? "gap" : null },
            h("th", { scope: "row" }, spanText(slot)),
            slot.kind === "gap" ? h("td", { colspan: headings.length - 1, class: "muted" }, "no report") : cells(slot),
          ),
        ),
      ),
    ),
  );
}

/** A window's note in the per-skill and per-tool tables: its breakdown covers the newest failures only. */
function cappedNote(slot: ReportSlot): string | undefined {
  return slot.truncated ? `breakdown covers the newest ${slot.failuresRead} of ${slot.failures} failures only` : undefined;
}

/** The same, said in a bar's title. */
function cappedTitle(slot: ReportSlot): string {
  const note = cappedNote(slot);
  return note ? ` (${note})` : "";
}

function gapsOf(series: ReportSeries): ChartGap[] {
  return series.slots.filter((slot) => slot.kind === "gap").map((slot) => ({ start: slot.start, end: slot.end, title: `no report: ${spanText(slot)}` }));
}

function rateText(slot: ReportSlot): string {
  const range = slot.errorRateRange ? ` (${formatPercent(slot.errorRateRange.low)} – ${formatPercent(slot.errorRateRange.high)} at 95%)` : "";
  return `${formatPercent(slot.errorRate)}${range}`;
}

/** An axis count: 950, 1.5k, 2M. */
function compact(value: number): string {
  if (value >= 1e6) return `${trim(value / 1e6)}M`;
  if (value >= 1e3) return `${trim(value / 1e3)}k`;
  return trim(value);
}

function axisPercent(ratio: number): string {
  return `${trim(ratio * 100)}%`;
}

function axisUsd(usd: number): string {
  return usd === 0 ? "$0" : `$${usd >= 1 ? trim(usd) : String(Number(usd.toPrecision(2)))}`;
}

function trim(value: number): string {
  return String(Math.round(value * 100) / 100);
}
