/**
 * Small time charts as inline SVG, built by hand. No charting library: Chart.js, uPlot or d3 would
 * add 40-200 KB of script (minified) to a viewer whose plots are a handful of bar and line charts
 * over hours; SVG is text the page builds with the same DOM calls as the rest of it (text only ever
 * as text nodes), prints and scales. Assistive technology gets each chart as one image with a name
 * (role="img" + aria-label): under role="img" the children are presentational, so the <title> per
 * bar and point is a tooltip for the pointer only. The text equivalent is the table of its values the
 * page pairs with every chart; fills and markers differ in pattern and shape, not colour alone.
 */
import { h } from "../dom.js";

const SVG_NS = "http://www.w3.org/2000/svg";

type SvgChild = Node | string | number | null | undefined | false;

/** An SVG element (`h` makes HTML ones): attributes set as given, children appended, text as text nodes. */
export function svg(tag: string, attributes: Record<string, string | number | null | undefined> = {}, ...children: (SvgChild | SvgChild[])[]): SVGElement {
  const element = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** A stretch of time in epoch milliseconds: [start, end). */
export interface TimeSpan {
  start: number;
  end: number;
}

/** The page's colours (CSS variables of styles.css). */
export type Tone = "err" | "warn" | "bar" | "ink";
/** How a bar layer is filled: never told apart by colour alone. */
export type Fill = "solid" | "hatch" | "dots";
/** The shape of a line's points ("ring": a hollow circle). */
export type Marker = "circle" | "square" | "triangle" | "diamond" | "ring";

export interface BarLayer {
  name: string;
  fill: Fill;
  tone: Tone;
}

/** One stacked bar over its time span: one value per layer, bottom first; its title says it in words. */
export interface ChartBar extends TimeSpan {
  values: number[];
  title: string;
}

/** A span with no data, drawn hatched grey and labelled, so a missing hour never looks like a zero. */
export interface ChartGap extends TimeSpan {
  title: string;
  /** Written in the gap when it is wide enough; "no report" when absent. */
  label?: string;
}

export interface ChartLine {
  name: string;
  marker: Marker;
  dashed: boolean;
  tone: Tone;
  /** A second kind of point on the line (e.g. "no failures": a 0 nothing was estimated for), drawn with its own marker and named in the legend. */
  other?: { name: string; marker: Marker };
}

/**
 * One x position (the middle of its span): a value per line (null or undefined: none), an optional
 * range per line drawn as a whisker, and per line whether the point is of the line's `other` kind.
 */
export interface ChartPoint extends TimeSpan {
  values: (number | null | undefined)[];
  ranges?: ({ low: number; high: number } | undefined)[];
  other?: boolean[];
  title: string;
}

export interface ChartSize {
  width: number;
  height: number;
}

interface ChartBase {
  /** The chart's accessible name: what it shows, over which period. */
  label: string;
  span: TimeSpan;
  gaps: ChartGap[];
  /** A y-axis value as written. */
  formatValue(value: number): string;
  size?: ChartSize;
}

export interface BarChartSpec extends ChartBase {
  layers: BarLayer[];
  bars: ChartBar[];
}

export interface LineChartSpec extends ChartBase {
  lines: ChartLine[];
  points: ChartPoint[];
  /** The y axis reaches at least this (e.g. a small rate is not stretched to fill the chart). */
  minTop?: number;
}

/** A chart and its legend (shapes and fills beside names). */
export interface Chart {
  chart: SVGElement;
  legend: HTMLElement;
}

const DEFAULT_SIZE: ChartSize = { width: 840, height: 170 };
const MARGIN = { left: 50, right: 10, top: 10, bottom: 22 };
const TONE: Record<Tone, string> = { err: "var(--err)", warn: "var(--warn)", bar: "var(--bar)", ink: "var(--fg)" };

let charts = 0;

/** Stacked bars over time, one per data span, with the gaps hatched. */
export function barChart(spec: BarChartSpec): Chart {
  const frame = chartFrame(spec, Math.max(0, ...spec.bars.map((bar) => bar.values.reduce((sum, value) => sum + value, 0))));
  const fills = spec.layers.map((layer, index) => layerFill(layer, `${frame.id}-layer${index}`));
  const bars = spec.bars.map((bar) => {
    const x = frame.x(bar.start) + 0.5;
    const width = Math.max(1, frame.x(bar.end) - frame.x(bar.start) - 1);
    let base = 0;
    const segments = bar.values.map((value, index) => {
      if (value <= 0) return null;
      const top = frame.y(base + value);
      const bottom = frame.y(base);
      base += value;
      return svg("rect", { x, y: top, width, height: Math.max(0.5, bottom - top), ...fills[index]!.attributes });
    });
    return svg("g", { class: "bar" }, svg("title", {}, bar.title), segments);
  });
  return {
    chart: frame.finish([svg("defs", {}, frame.gapPattern, fills.map((fill) => fill.pattern)), frame.background, bars]),
    legend: legend(spec.layers.map((layer, index) => ({ name: layer.name, swatch: svg("rect", { x: 1, y: 1, width: 16, height: 10, ...fills[index]!.attributes }) }))),
  };
}

/** Lines over time with a marker per point, broken at gaps and where a value is missing, ranges as whiskers. */
export function lineChart(spec: LineChartSpec): Chart {
  const highest = Math.max(spec.minTop ?? 0, ...spec.points.flatMap((point) => [...point.values, ...(point.ranges ?? []).map((range) => range?.high)].filter((value): value is number => typeof value === "number")));
  const frame = chartFrame(spec, highest);
  const middle = (point: ChartPoint) => (frame.x(point.start) + frame.x(point.end)) / 2;
  const drawn = spec.lines.map((line, lineIndex) => {
    let path = "";
    spec.points.forEach((point, index) => {
      const value = point.values[lineIndex];
      if (typeof value !== "number") return;
      const previous = spec.points[index - 1];
      const joined = previous && previous.end === point.start && typeof previous.values[lineIndex] === "number";
      path += `${joined ? "L" : "M"}${round(middle(point))} ${round(frame.y(value))}`;
    });
    const stroke = TONE[line.tone];
    const markers = spec.points.map((point) => {
      const value = point.values[lineIndex];
      if (typeof value !== "number") return null;
      const range = point.ranges?.[lineIndex];
      const x = middle(point);
      const other = line.other && point.other?.[lineIndex] === true ? line.other : undefined;
      return svg(
        "g",
        { class: other ? "point other" : "point" },
        svg("title", {}, point.title),
        range ? svg("path", { d: `M${round(x)} ${round(frame.y(range.low))}V${round(frame.y(range.high))}M${round(x - 2)} ${round(frame.y(range.low))}h4M${round(x - 2)} ${round(frame.y(range.high))}h4`, style: `stroke: ${stroke}; fill: none`, "stroke-width": 1 }) : null,
        marker(other?.marker ?? line.marker, x, frame.y(value), stroke),
      );
    });
    return svg("g", { class: "line" }, svg("path", { d: path, style: `stroke: ${stroke}; fill: none`, "stroke-width": 1.5, "stroke-dasharray": line.dashed ? "5 3" : null }), markers);
  });
  return {
    chart: frame.finish([svg("defs", {}, frame.gapPattern), frame.background, drawn]),
    legend: legend(
      spec.lines.flatMap((line, lineIndex) => [
        {
          name: line.name,
          swatch: svg("g", {}, svg("path", { d: "M1 6H21", style: `stroke: ${TONE[line.tone]}`, "stroke-width": 1.5, "stroke-dasharray": line.dashed ? "5 3" : null }), marker(line.marker, 11, 6, TONE[line.tone])),
        },
        ...(line.other && spec.points.some((point) => point.other?.[lineIndex] === true) ? [{ name: line.other.name, swatch: marker(line.other.marker, 11, 6, TONE[line.tone]) }] : []),
      ]),
    ),
  };
}

interface Frame {
  id: string;
  x(instant: number): number;
  y(value: number): number;
  gapPattern: SVGElement;
  /** Gaps, grid and axes: drawn under the data. */
  background: SVGElement;
  finish(children: (SvgChild | SvgChild[])[]): SVGElement;
}

/** The parts every chart shares: scales, hatched gaps, a y axis from 0 to a round top, day ticks on the x axis. */
function chartFrame(spec: ChartBase, highest: number): Frame {
  const id = `chart${++charts}`;
  const { width, height } = spec.size ?? DEFAULT_SIZE;
  const plot = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };
  const top = niceTop(highest);
  const length = Math.max(1, spec.span.end - spec.span.start);
  const x = (instant: number) => plot.left + ((Math.min(Math.max(instant, spec.span.start), spec.span.end) - spec.span.start) / length) * (plot.right - plot.left);
  const y = (value: number) => plot.bottom - (Math.min(Math.max(value, 0), top) / top) * (plot.bottom - plot.top);
  const gapPattern = svg(
    "pattern",
    { id: `${id}-gap`, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
    svg("rect", { width: 6, height: 6, style: "fill: var(--soft)" }),
    svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, style: "stroke: #cbd5e1", "stroke-width": 3 }),
  );
  const gaps = spec.gaps.map((gap) => {
    const left = x(gap.start);
    const gapWidth = Math.max(1, x(gap.end) - left);
    return svg(
      "g",
      { class: "gap" },
      svg("title", {}, gap.title),
      svg("rect", { x: left, y: plot.top, width: gapWidth, height: plot.bottom - plot.top, fill: `url(#${id}-gap)` }),
      gapWidth >= 56 ? svg("text", { x: left + gapWidth / 2, y: plot.top + 14, "text-anchor": "middle", class: "gap-label" }, gap.label ?? "no report") : null,
    );
  });
  const yTicks = [0, top / 2, top].map((value) =>
    svg(
      "g",
      {},
      svg("line", { x1: plot.left, x2: plot.right, y1: y(value), y2: y(value), class: value === 0 ? "axis" : "grid" }),
      svg("text", { x: plot.left - 4, y: y(value) + 4, "text-anchor": "end" }, spec.formatValue(value)),
    ),
  );
  const xTicks = dayStarts(spec.span).map((instant) =>
    svg(
      "g",
      {},
      svg("line", { x1: x(instant), x2: x(instant), y1: plot.top, y2: plot.bottom + 4, class: "grid" }),
      svg("text", { x: x(instant), y: height - 6, "text-anchor": "middle" }, dayLabel(instant)),
    ),
  );
  return {
    id,
    x,
    y,
    gapPattern,
    background: svg("g", {}, gaps, yTicks, xTicks),
    finish: (children) =>
      svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": spec.label, "data-chart": id }, svg("title", {}, spec.label), ...children),
  };
}

/** The fill attributes of a bar layer, and the pattern it uses (null for a solid fill). */
function layerFill(layer: BarLayer, id: string): { attributes: Record<string, string | number>; pattern: SVGElement | null } {
  const tone = TONE[layer.tone];
  if (layer.fill === "solid") return { attributes: { style: `fill: ${tone}` }, pattern: null };
  const pattern =
    layer.fill === "hatch"
      ? svg(
          "pattern",
          { id, width: 5, height: 5, patternUnits: "userSpaceOnUse", patternTransform: "rotate(-45)" },
          svg("rect", { width: 5, height: 5, style: "fill: var(--bg)" }),
          svg("line", { x1: 0, y1: 0, x2: 0, y2: 5, style: `stroke: ${tone}`, "stroke-width": 2.5 }),
        )
      : svg("pattern", { id, width: 4, height: 4, patternUnits: "userSpaceOnUse" }, svg("rect", { width: 4, height: 4, style: "fill: var(--bg)" }), svg("circle", { cx: 2, cy: 2, r: 1.2, style: `fill: ${tone}` }));
  return { attributes: { fill: `url(#${id})`, style: `stroke: ${tone}`, "stroke-width": 0.75 }, pattern };
}

function marker(shape: Marker, x: number, y: number, tone: string): SVGElement {
  const style = `fill: ${shape === "circle" || shape === "triangle" ? tone : "var(--bg)"}; stroke: ${tone}`;
  if (shape === "circle") return svg("circle", { cx: round(x), cy: round(y), r: 3, style });
  if (shape === "ring") return svg("circle", { cx: round(x), cy: round(y), r: 3.5, style, "stroke-width": 1.5 });
  if (shape === "square") return svg("rect", { x: round(x - 3), y: round(y - 3), width: 6, height: 6, style, "stroke-width": 1.5 });
  if (shape === "triangle") return svg("path", { d: `M${round(x)} ${round(y - 4)}L${round(x + 4)} ${round(y + 3)}H${round(x - 4)}Z`, style });
  return svg("path", { d: `M${round(x)} ${round(y - 4)}L${round(x + 4)} ${round(y)}L${round(x)} ${round(y + 4)}L${round(x - 4)} ${round(y)}Z`, style, "stroke-width": 1.5 });
}

/** The legend: each name beside a small drawing of its fill or line and marker (hidden from screen readers: the names are the text). */
function legend(items: { name: string; swatch: SVGElement }[]): HTMLElement {
  return h(
    "ul",
    { class: "chart-legend" },
    items.map((item) => h("li", {}, svgSwatch(item.swatch), item.name)),
  );
}

function svgSwatch(child: SVGElement): SVGElement {
  return svg("svg", { class: "swatch", viewBox: "0 0 22 12", width: 22, height: 12, "aria-hidden": "true" }, child);
}

/** A round axis top at or above `value`: 1, 2, 2.5 or 5 times a power of ten (1 when nothing is above 0). */
export function niceTop(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= value * (1 - 1e-9)) return step * magnitude;
  }
  return 10 * magnitude;
}

/** The local midnights inside the span. */
export function dayStarts(span: TimeSpan): number[] {
  const day = new Date(span.start);
  day.setHours(0, 0, 0, 0);
  const starts: number[] = [];
  for (day.setDate(day.getDate() + 1); day.getTime() < span.end; day.setDate(day.getDate() + 1)) starts.push(day.getTime());
  return starts;
}

function dayLabel(instant: number): string {
  const date = new Date(instant);
  return `${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
