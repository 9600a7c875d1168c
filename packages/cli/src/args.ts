import { parseArgs } from "node:util";
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from "@agent-traces/admin";
import { isValidTraceId, LIMITS, type TraceStatus } from "@agent-traces/core";
import type { TraceListFilter } from "@agent-traces/store";
import { parseInstant } from "./duration.js";
import type { AccountRef } from "./grantAdmin.js";
import { isSiteId, SITE_ID_RULE } from "./init/siteId.js";

/** What `list` asks for: store's list filters, the user as typed (query.ts turns it into user ids), and how many runs. */
export interface ListFilters extends Omit<TraceListFilter, "userId" | "negativeFeedback"> {
  user?: string;
  /** The runs of this session, oldest first; then no other filter applies. */
  session?: string;
  /** `cost`: the most expensive runs first (store's planListTracesByCost), runs without a priced cost left out; default: newest first. */
  sort?: "cost";
  /** Runs that cost at least this many USD (implies sort by cost). */
  minCostUsd?: number;
  limit: number;
}

/** The orders `list --sort` takes: by start (newest first, the default) or by cost (most expensive first). */
export const LIST_SORTS = ["started", "cost"] as const;

/** Where to read: `project` is a real Firebase project; without it, the emulator. */
interface CommonOptions {
  project?: string;
  json: boolean;
}

/** A parsed command line. */
export type Command =
  | { kind: "help" }
  | (CommonOptions & { kind: "list"; filters: ListFilters })
  | (CommonOptions & { kind: "sessions"; user: string; limit: number })
  | (CommonOptions & { kind: "show"; traceId: string })
  | { kind: "export"; project?: string; traceId: string; format: ExportFormat }
  /** `feedback`: the user's ratings (given by them, or of runs naming them) instead of their traces. */
  | { kind: "export-user"; project?: string; user: string; out?: string; feedback: boolean }
  | { kind: "delete"; project?: string; scope: DeleteScope; yes: boolean }
  | (CommonOptions & { kind: "report"; windowStart?: Date; hours: number })
  | { kind: "grant-admin"; project?: string; account: AccountRef; revoke: boolean }
  | InitCommand;

/** `init`: merge the backend into the Firebase project in `dir` (default: the current folder). */
export interface InitCommand {
  kind: "init";
  dir?: string;
  dryRun: boolean;
  project?: string;
  site?: string;
  defaultSite?: string;
  functionsPackage?: string;
}

/** What `delete` removes: everything of a user (by uid: traces recorded by or naming it, its rate-limit counter), or every trace started before an instant. */
export type DeleteScope = { user: string } | { before: Date };

/** A command line that names no valid command; its message is one line. */
export class UsageError extends Error {
  override name = "UsageError";
}

const COMMANDS = ["list", "sessions", "show", "export", "delete", "report", "grant-admin", "init"] as const;
/** What `export` writes: OTLP/JSON (an OTel collector's or Jaeger's import), or the stored trace's JSON. */
export const EXPORT_FORMATS = ["otlp", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
type CommandName = (typeof COMMANDS)[number];

const OPTIONS = {
  user: { type: "string", for: ["list", "sessions", "export", "delete"] },
  session: { type: "string", for: ["list"] },
  skill: { type: "string", for: ["list"] },
  "failed-tool": { type: "string", for: ["list"] },
  status: { type: "string", for: ["list"] },
  since: { type: "string", for: ["list"] },
  until: { type: "string", for: ["list"] },
  sort: { type: "string", for: ["list"] },
  "min-cost": { type: "string", for: ["list"] },
  limit: { type: "string", for: ["list", "sessions"] },
  "window-start": { type: "string", for: ["report"] },
  hours: { type: "string", for: ["report"] },
  json: { type: "boolean", for: ["list", "sessions", "show", "report"] },
  format: { type: "string", for: ["export"] },
  out: { type: "string", for: ["export"] },
  feedback: { type: "boolean", for: ["export"] },
  before: { type: "string", for: ["delete"] },
  yes: { type: "boolean", for: ["delete"] },
  project: { type: "string", for: ["list", "sessions", "show", "export", "delete", "report", "grant-admin", "init"] },
  revoke: { type: "boolean", for: ["grant-admin"] },
  dir: { type: "string", for: ["init"] },
  "dry-run": { type: "boolean", for: ["init"] },
  site: { type: "string", for: ["init"] },
  "default-site": { type: "string", for: ["init"] },
  "functions-package": { type: "string", for: ["init"] },
  help: { type: "boolean", for: ["list", "sessions", "show", "export", "delete", "report", "grant-admin", "init"], short: "h" },
} as const satisfies Record<string, { type: "string" | "boolean"; for: readonly CommandName[]; short?: string }>;

type OptionName = keyof typeof OPTIONS;
const STATUSES: readonly TraceStatus[] = ["success", "error", "timeout"];

/** Parses and validates `argv` (without node and the script); `now` anchors relative times. */
export function parseCommand(argv: readonly string[], now: Date): Command {
  const { values, positionals } = readTokens(argv);
  if (values.has("help") || positionals[0] === "help") return { kind: "help" };
  const [name, ...rest] = positionals;
  if (name === undefined) throw new UsageError("missing command: list, sessions, show, export, delete, report, grant-admin or init (see --help)");
  if (!(COMMANDS as readonly string[]).includes(name)) throw new UsageError(`unknown command ${quote(name)}: use list, sessions, show, export, delete, report, grant-admin or init (see --help)`);
  for (const option of values.keys()) {
    if (!(OPTIONS[option].for as readonly string[]).includes(name)) throw new UsageError(`--${option} is not an option of ${name} (see --help)`);
  }
  const common: CommonOptions = { json: values.has("json") };
  const project = values.get("project");
  if (project !== undefined) common.project = checkProject(project);

  if (name === "init") return initCommand(values, rest);
  // Where the commands without --json go.
  const { json: _json, ...target } = common;

  if (name === "grant-admin") {
    if (rest.length !== 1) throw new UsageError(rest.length === 0 ? "grant-admin needs a user's email or uid" : `grant-admin takes one email or uid, got ${rest.length}`);
    return { kind: "grant-admin", ...target, account: accountRef(rest[0]!), revoke: values.has("revoke") };
  }

  if (name === "delete") return deleteCommand(values, rest, now, target);
  if (name === "export" && values.has("user")) return exportUserCommand(values, rest, target);
  if (values.has("out")) throw new UsageError("--out is for export --user (see --help)");
  if (values.has("feedback")) throw new UsageError("--feedback is for export --user (see --help)");

  if (name === "show" || name === "export") {
    if (rest.length !== 1) throw new UsageError(rest.length === 0 ? `${name} needs a trace id` : `${name} takes one trace id, got ${rest.length}`);
    const traceId = rest[0]!.toLowerCase();
    if (!isValidTraceId(traceId)) throw new UsageError(`${quote(rest[0]!)} is not a trace id (32 hex digits, not all zeros)`);
    if (name === "show") return { kind: "show", ...common, traceId };
    const format = values.get("format") ?? "otlp";
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be ${EXPORT_FORMATS.join(" or ")}, got ${quote(format)}`);
    return { kind: "export", ...target, traceId, format: format as ExportFormat };
  }
  if (rest.length > 0) throw new UsageError(`${name} takes no arguments, got ${quote(rest[0]!)}`);
  if (name === "report") return { kind: "report", ...common, ...reportWindow(values, now) };
  if (name === "sessions") {
    if (!values.has("user")) throw new UsageError("sessions needs --user ID (the user whose sessions to list)");
    return { kind: "sessions", ...common, user: userOption(values), limit: limitOption(values) };
  }
  return { kind: "list", ...common, filters: listFilters(values, now) };
}

function deleteCommand(values: Map<OptionName, string>, rest: string[], now: Date, target: { project?: string }): Command {
  if (rest.length > 0) throw new UsageError(`delete takes no arguments, got ${quote(rest[0]!)} (the user is --user ID)`);
  const user = values.get("user");
  const before = values.get("before");
  if ((user === undefined) === (before === undefined)) throw new UsageError("delete needs one of --user ID or --before T");
  const yes = values.has("yes");
  if (user !== undefined) return { kind: "delete", ...target, scope: { user: userOption(values) }, yes };
  try {
    return { kind: "delete", ...target, scope: { before: parseInstant(before!, now) }, yes };
  } catch (error) {
    throw new UsageError(`--before: ${(error as Error).message}`);
  }
}

function exportUserCommand(values: Map<OptionName, string>, rest: string[], target: { project?: string }): Command {
  if (rest.length > 0) throw new UsageError(`export takes a trace id or --user ID, not both (got ${quote(rest[0]!)})`);
  if (values.has("format")) throw new UsageError("--format is for export <trace_id>: export --user writes the stored traces' JSON");
  const out = values.get("out");
  if (out === "") throw new UsageError("--out needs a file");
  return { kind: "export-user", ...target, user: userOption(values), ...(out !== undefined ? { out } : {}), feedback: values.has("feedback") };
}

/** --user of delete and export: a uid or user id, 1 to LIMITS.userIdChars printable characters. */
function userOption(values: Map<OptionName, string>): string {
  const user = boundedText(values, "user", LIMITS.userIdChars)!;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(user)) throw new UsageError("--user must be printable characters");
  return user;
}

function listFilters(values: Map<OptionName, string>, now: Date): ListFilters {
  const filters: ListFilters = { limit: DEFAULT_LIST_LIMIT };
  const user = boundedText(values, "user", LIMITS.userIdChars);
  if (user !== undefined) filters.user = user;
  // Stored skills are cut to LIMITS.skillChars: a longer value could match nothing.
  const skill = boundedText(values, "skill", LIMITS.skillChars);
  if (skill !== undefined) filters.skill = skill;
  const status = values.get("status");
  if (status !== undefined) {
    if (!(STATUSES as readonly string[]).includes(status)) throw new UsageError(`--status must be success, error or timeout, got ${quote(status)}`);
    filters.status = status as TraceStatus;
  }
  for (const bound of ["since", "until"] as const) {
    const text = values.get(bound);
    if (text === undefined) continue;
    try {
      filters[bound] = parseInstant(text, now);
    } catch (error) {
      throw new UsageError(`--${bound}: ${(error as Error).message}`);
    }
  }
  if (filters.since && filters.until && filters.since >= filters.until) throw new UsageError("--since must be before --until");
  // Stored tool names are cut to LIMITS.toolNameChars: a longer name could match nothing.
  const failedTool = boundedText(values, "failed-tool", LIMITS.toolNameChars);
  if (failedTool !== undefined) {
    // Only (failed_tool_names CONTAINS, started_at desc) serves it: store's NOT_WITH_FAILED_TOOL.
    const other = (["user", "skill", "status", "session", "min-cost"] as const).find((option) => values.has(option)) ?? (values.get("sort") === "cost" ? "sort cost" : undefined);
    if (other) throw new UsageError(`--failed-tool combines only with --since and --until, not with --${other}`);
    filters.failedTool = failedTool;
  }
  const session = boundedText(values, "session", LIMITS.sessionIdChars);
  if (session !== undefined) {
    const other = (["user", "skill", "status", "since", "until", "sort", "min-cost"] as const).find((option) => values.has(option));
    if (other) throw new UsageError(`--session lists one session's runs, oldest first: it does not combine with --${other}`);
    filters.session = session;
  }
  Object.assign(filters, costOrder(values));
  filters.limit = limitOption(values);
  return filters;
}

/**
 * --sort and --min-cost: a list by cost (--min-cost implies it) takes one of --user, --skill or
 * --status and no start-time bound, the filters an index serves with it (store's planListTracesByCost).
 */
function costOrder(values: Map<OptionName, string>): Pick<ListFilters, "sort" | "minCostUsd"> {
  const sort = values.get("sort");
  if (sort !== undefined && !(LIST_SORTS as readonly string[]).includes(sort)) throw new UsageError(`--sort must be ${LIST_SORTS.join(" or ")}, got ${quote(sort)}`);
  const minCost = values.get("min-cost");
  if (minCost === undefined && sort !== "cost") return {};
  if (minCost !== undefined && sort === "started") throw new UsageError("--min-cost lists the most expensive runs first: it does not combine with --sort started");
  const option = minCost === undefined ? "--sort cost" : "--min-cost";
  const bound = (["since", "until"] as const).find((name) => values.has(name));
  if (bound) throw new UsageError(`${option} orders by cost: it does not combine with --${bound}`);
  const equalities = (["user", "skill", "status"] as const).filter((name) => values.has(name));
  if (equalities.length > 1) throw new UsageError(`${option} combines with one of --user, --skill or --status, got --${equalities.join(" and --")}`);
  if (minCost === undefined) return { sort: "cost" };
  const amount = minCost.replace(/^\$/, "");
  const usd = /^(\d{1,9}(\.\d{0,9})?|\.\d{1,9})$/.test(amount) ? Number(amount) : Number.NaN;
  if (!Number.isFinite(usd)) throw new UsageError(`--min-cost must be an amount of USD >= 0 (like 0.05), got ${quote(minCost)}`);
  return { sort: "cost", minCostUsd: usd };
}

/** --limit: 1 to MAX_LIST_LIMIT, default DEFAULT_LIST_LIMIT. */
function limitOption(values: Map<OptionName, string>): number {
  const limit = values.get("limit");
  if (limit === undefined) return DEFAULT_LIST_LIMIT;
  const number = /^\d{1,4}$/.test(limit) ? Number(limit) : Number.NaN;
  if (!(number >= 1 && number <= MAX_LIST_LIMIT)) throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIST_LIMIT}, got ${quote(limit)}`);
  return number;
}

/** The option's value when given, refused unless it is 1 to `maxChars` characters. */
function boundedText(values: Map<OptionName, string>, name: OptionName, maxChars: number): string | undefined {
  const value = values.get(name);
  if (value !== undefined && (value.length === 0 || value.length > maxChars)) throw new UsageError(`--${name} must be 1 to ${maxChars} characters`);
  return value;
}

export const MAX_REPORT_HOURS = 24 * 31;

function reportWindow(values: Map<OptionName, string>, now: Date): { windowStart?: Date; hours: number } {
  const hoursText = values.get("hours");
  const hours = hoursText === undefined ? 1 : /^\d{1,4}$/.test(hoursText) ? Number(hoursText) : Number.NaN;
  if (!(hours >= 1 && hours <= MAX_REPORT_HOURS)) throw new UsageError(`--hours must be a whole number from 1 to ${MAX_REPORT_HOURS}, got ${quote(hoursText ?? "")}`);
  const startText = values.get("window-start");
  if (startText === undefined) return { hours };
  try {
    return { windowStart: parseInstant(startText, now), hours };
  } catch (error) {
    throw new UsageError(`--window-start: ${(error as Error).message}`);
  }
}

function initCommand(values: Map<OptionName, string>, rest: string[]): InitCommand {
  if (rest.length > 0) throw new UsageError(`init takes no arguments, got ${quote(rest[0]!)} (the project folder is --dir)`);
  const command: InitCommand = { kind: "init", dryRun: values.has("dry-run") };
  const dir = values.get("dir");
  if (dir !== undefined) {
    if (dir === "") throw new UsageError("--dir needs a folder");
    command.dir = dir;
  }
  const project = values.get("project");
  if (project !== undefined) command.project = checkProject(project);
  for (const [option, key] of [["site", "site"], ["default-site", "defaultSite"]] as const) {
    const site = values.get(option);
    if (site === undefined) continue;
    if (!isSiteId(site)) throw new UsageError(`--${option} must be a Hosting site id (${SITE_ID_RULE}), got ${quote(site)}`);
    command[key] = site;
  }
  const functionsPackage = values.get("functions-package");
  if (functionsPackage !== undefined) {
    // eslint-disable-next-line no-control-regex
    if (functionsPackage.trim() === "" || /[\u0000-\u001f\u007f]/.test(functionsPackage)) throw new UsageError(`--functions-package must be an npm version range or spec, got ${quote(functionsPackage)}`);
    command.functionsPackage = functionsPackage;
  }
  return command;
}

/** Firebase Auth's bounds: a uid is 1 to 128 characters, an email at most 254 with one @ between non-empty parts. */
const MAX_UID_CHARS = 128;
const MAX_EMAIL_CHARS = 254;

/** The user a grant-admin argument names: by email when it has an @, else by uid. */
function accountRef(value: string): AccountRef {
  if (value.includes("@")) {
    if (value.length > MAX_EMAIL_CHARS || !/^[^\s@]+@[^\s@]+$/.test(value)) throw new UsageError(`${quote(value)} is not an email address`);
    return { email: value };
  }
  // eslint-disable-next-line no-control-regex
  if (value.length === 0 || value.length > MAX_UID_CHARS || /[\u0000-\u001f\u007f]/.test(value)) throw new UsageError(`a uid must be 1 to ${MAX_UID_CHARS} printable characters, got ${quote(value)}`);
  return { uid: value };
}

function checkProject(project: string): string {
  if (!/^[a-z0-9][a-z0-9.:-]*$/i.test(project)) throw new UsageError(`--project must be a Firebase project id, got ${quote(project)}`);
  return project;
}

/** Known options (last one wins) and positionals; anything unknown or malformed is a UsageError. */
function readTokens(argv: readonly string[]): { values: Map<OptionName, string>; positionals: string[] } {
  const options = Object.fromEntries(Object.entries(OPTIONS).map(([name, spec]) => [name, "short" in spec ? { type: spec.type, short: spec.short } : { type: spec.type }]));
  // Not strict: unknown options come back as tokens, so that the message is ours and one line.
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const values = new Map<OptionName, string>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    if (!Object.hasOwn(OPTIONS, token.name)) throw new UsageError(`unknown option ${quote(token.rawName)} (see --help)`);
    const name = token.name as OptionName;
    if (OPTIONS[name].type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
      values.set(name, "");
    } else {
      // `--user --json` would read "--json" as the user: a value that looks like an option is refused.
      if (token.value === undefined || (!token.inlineValue && /^-[^\d]/.test(token.value))) throw new UsageError(`${token.rawName} needs a value`);
      values.set(name, token.value);
    }
  }
  return { values, positionals };
}

/** A value echoed in a message: quoted, escaped and short, so the message stays one line. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 39)}…` : text);
}
