import { strict as assert } from "node:assert";
import { parseCommand, UsageError } from "../../packages/cli/src/args.js";

const now = new Date("2025-03-01T12:00:00Z");
const parse = (...argv: string[]) => parseCommand(argv, now);
/** Asserts that `argv` is refused with a one-line UsageError matching `message`. */
const rejects = (argv: string[], message: RegExp) =>
  assert.throws(() => parseCommand(argv, now), (error: unknown) => {
    assert.ok(error instanceof UsageError, `a UsageError, got ${String(error)}`);
    assert.match(error.message, message);
    assert.ok(!error.message.includes("\n"), "one line");
    return true;
  });

describe("cli: argument parsing", () => {
  it("reads list with defaults", () => {
    assert.deepEqual(parse("list"), { kind: "list", json: false, filters: { limit: 20 } });
  });

  it("reads every list filter, options before or after the command, inline values too", () => {
    assert.deepEqual(parse("--json", "list", "--user", "alice", "--skill=research", "--status=error", "--since", "1h", "--until", "2025-03-01T11:30:00Z", "--limit", "100", "--project", "my-proj"), {
      kind: "list",
      json: true,
      project: "my-proj",
      filters: {
        user: "alice",
        skill: "research",
        status: "error",
        since: new Date("2025-03-01T11:00:00Z"),
        until: new Date("2025-03-01T11:30:00Z"),
        limit: 100,
      },
    });
  });

  it("takes --failed-tool alone or with --since and --until, and refuses it with the filters no index serves with it", () => {
    assert.deepEqual(parse("list", "--failed-tool", "web_search", "--since", "1h"), {
      kind: "list",
      json: false,
      filters: { failedTool: "web_search", since: new Date(now.getTime() - 3_600_000), limit: 20 },
    });
    assert.deepEqual(parse("list", "--failed-tool", "t".repeat(128), "--sort", "started"), { kind: "list", json: false, filters: { failedTool: "t".repeat(128), limit: 20 } });
    for (const [option, value] of [["--user", "a"], ["--skill", "k"], ["--status", "error"], ["--session", "s1"], ["--min-cost", "1"], ["--sort", "cost"]] as const) {
      const shown = option === "--sort" ? "--sort cost" : option;
      rejects(["list", "--failed-tool", "web_search", option, value], new RegExp(`--failed-tool combines only with --since and --until, not with ${shown}`));
    }
    rejects(["list", "--failed-tool", "t".repeat(129)], /--failed-tool must be 1 to 128 characters/);
    rejects(["show", "4bf92f3577b34da6a3ce929d0e0e4736", "--failed-tool", "x"], /--failed-tool is not an option of show/);
  });

  it("takes --skill as typed, up to the stored skill's 128 characters", () => {
    assert.deepEqual(parse("list", "--skill", "web research"), { kind: "list", json: false, filters: { skill: "web research", limit: 20 } });
    assert.deepEqual(parse("list", "--skill", "s".repeat(128)), { kind: "list", json: false, filters: { skill: "s".repeat(128), limit: 20 } });
  });

  it("reads show with its trace id in lowercase", () => {
    assert.deepEqual(parse("show", "4BF92F3577B34DA6A3CE929D0E0E4736", "--json"), { kind: "show", json: true, traceId: "4bf92f3577b34da6a3ce929d0e0e4736" });
  });

  it("answers help for --help, -h and help, whatever else is given", () => {
    for (const argv of [["--help"], ["-h"], ["help"], ["list", "--help"], ["show", "-h"], ["bogus", "--help"]]) assert.deepEqual(parseCommand(argv, now), { kind: "help" });
  });

  it("refuses unknown options and commands, and a missing command", () => {
    rejects(["list", "--bogus"], /unknown option "--bogus"/);
    rejects(["list", "-x"], /unknown option "-x"/);
    rejects(["frobnicate"], /unknown command "frobnicate"/);
    rejects([], /missing command/);
    rejects(["--json"], /missing command/);
  });

  it("refuses options of the other command, and stray or missing arguments", () => {
    rejects(["show", "4bf92f3577b34da6a3ce929d0e0e4736", "--status", "error"], /--status is not an option of show/);
    rejects(["show", "4bf92f3577b34da6a3ce929d0e0e4736", "--skill", "research"], /--skill is not an option of show/);
    rejects(["report", "--skill", "research"], /--skill is not an option of report/);
    rejects(["show"], /show needs a trace id/);
    rejects(["show", "4bf92f3577b34da6a3ce929d0e0e4736", "extra"], /one trace id/);
    rejects(["list", "extra"], /list takes no arguments/);
  });

  it("refuses malformed option values", () => {
    rejects(["list", "--user"], /--user needs a value/);
    rejects(["list", "--user", "--json"], /--user needs a value/);
    rejects(["list", "--json=yes"], /--json takes no value/);
    rejects(["list", "--user="], /--user must be 1 to 128 characters/);
    rejects(["list", "--skill"], /--skill needs a value/);
    rejects(["list", "--skill", "--json"], /--skill needs a value/);
    rejects(["list", "--skill="], /--skill must be 1 to 128 characters/);
    rejects(["list", "--skill", "s".repeat(129)], /--skill must be 1 to 128 characters/);
    rejects(["list", "--project", "no spaces"], /--project must be a Firebase project id/);
  });

  it("refuses bad statuses, limits and times", () => {
    rejects(["list", "--status", "failed"], /--status must be success, error or timeout, got "failed"/);
    for (const limit of ["0", "101", "-1", "1.5", "ten", "", "1e2"]) rejects(["list", "--limit", limit], /--limit must be a whole number from 1 to 100/);
    rejects(["list", "--since", "yesterday"], /--since: "yesterday" is not a time/);
    rejects(["list", "--until", "2025-02-30"], /--until: "2025-02-30" is not a time/);
    rejects(["list", "--since", "1h", "--until", "2h"], /--since must be before --until/);
  });

  it("keeps a hostile value on one line in the message", () => {
    rejects(["list", "--status", "a\nb\u001b[31m"], /got "a\\nb\\u001b\[31m"/);
    rejects(["show", "x".repeat(500)], /"x{39}…" is not a trace id/);
  });

  it("refuses a malformed trace id before any lookup", () => {
    rejects(["show", "../x"], /is not a trace id/);
    rejects(["show", "0".repeat(32)], /is not a trace id/);
  });
});

describe("cli: report arguments", () => {
  const now = new Date("2025-03-01T12:34:56Z");

  it("defaults to one hour, with no start (the previous full hour)", () => {
    assert.deepEqual(parseCommand(["report"], now), { kind: "report", json: false, hours: 1 });
  });

  it("takes a window start and a length in hours", () => {
    const command = parseCommand(["report", "--window-start", "2025-03-01T09:00:00Z", "--hours", "3", "--json"], now);
    assert.deepEqual(command, { kind: "report", json: true, windowStart: new Date("2025-03-01T09:00:00Z"), hours: 3 });
  });

  it("refuses bad hours, a bad start and list-only options", () => {
    assert.throws(() => parseCommand(["report", "--hours", "0"], now), /--hours/);
    assert.throws(() => parseCommand(["report", "--hours", "1.5"], now), /--hours/);
    assert.throws(() => parseCommand(["report", "--window-start", "soon"], now), /--window-start/);
    assert.throws(() => parseCommand(["report", "--status", "error"], now), /not an option of report/);
  });
});

describe("cli: grant-admin arguments", () => {
  it("names the user by email when the value has an @, else by uid; grants unless --revoke", () => {
    assert.deepEqual(parse("grant-admin", "ops@example.com"), { kind: "grant-admin", account: { email: "ops@example.com" }, revoke: false });
    assert.deepEqual(parse("grant-admin", "Xk3pQ9uid"), { kind: "grant-admin", account: { uid: "Xk3pQ9uid" }, revoke: false });
    assert.deepEqual(parse("grant-admin", "--revoke", "ops@example.com", "--project", "my-proj"), {
      kind: "grant-admin",
      project: "my-proj",
      account: { email: "ops@example.com" },
      revoke: true,
    });
  });

  it("answers help for grant-admin --help", () => {
    assert.deepEqual(parse("grant-admin", "--help"), { kind: "help" });
  });

  it("refuses a missing or second user, a malformed email or uid, and options of other commands", () => {
    rejects(["grant-admin"], /grant-admin needs a user's email or uid/);
    rejects(["grant-admin", "a@example.com", "b@example.com"], /grant-admin takes one email or uid, got 2/);
    rejects(["grant-admin", "not an@email"], /"not an@email" is not an email address/);
    rejects(["grant-admin", "@example.com"], /is not an email address/);
    rejects(["grant-admin", `${"x".repeat(250)}@example.com`], /is not an email address/);
    rejects(["grant-admin", ""], /a uid must be 1 to 128 printable characters/);
    rejects(["grant-admin", "u".repeat(129)], /a uid must be 1 to 128 printable characters/);
    rejects(["grant-admin", "uid\u001b[31m"], /a uid must be 1 to 128 printable characters, got "uid\\u001b\[31m"/);
    rejects(["grant-admin", "uid-1", "--json"], /--json is not an option of grant-admin/);
    rejects(["grant-admin", "uid-1", "--status", "error"], /--status is not an option of grant-admin/);
    rejects(["grant-admin", "uid-1", "--revoke=yes"], /--revoke takes no value/);
    rejects(["grant-admin", "uid-1", "--project", "no spaces"], /--project must be a Firebase project id/);
    rejects(["list", "--revoke"], /--revoke is not an option of list/);
  });
});

describe("cli: delete and export --user arguments", () => {
  it("reads delete --user and --before (a dry run unless --yes), with or without --project", () => {
    assert.deepEqual(parse("delete", "--user", "alice"), { kind: "delete", scope: { user: "alice" }, yes: false });
    assert.deepEqual(parse("delete", "--user", "42", "--yes", "--project", "my-proj"), { kind: "delete", project: "my-proj", scope: { user: "42" }, yes: true });
    assert.deepEqual(parse("delete", "--before", "2d"), { kind: "delete", scope: { before: new Date("2025-02-27T12:00:00Z") }, yes: false });
    assert.deepEqual(parse("delete", "--before", "2025-01-01T00:00:00Z", "--yes"), { kind: "delete", scope: { before: new Date("2025-01-01T00:00:00Z") }, yes: true });
  });

  it("reads export --user with or without --out and --feedback; export <trace_id> stays", () => {
    assert.deepEqual(parse("export", "--user", "alice"), { kind: "export-user", user: "alice", feedback: false });
    assert.deepEqual(parse("export", "--user", "alice", "--out", "alice.json", "--project", "p1"), { kind: "export-user", project: "p1", user: "alice", out: "alice.json", feedback: false });
    assert.deepEqual(parse("export", "--user", "alice", "--feedback"), { kind: "export-user", user: "alice", feedback: true });
    rejects(["export", "4bf92f3577b34da6a3ce929d0e0e4736", "--feedback"], /--feedback is for export --user/);
    rejects(["list", "--feedback"], /--feedback is not an option of list/);
    assert.deepEqual(parse("export", "4bf92f3577b34da6a3ce929d0e0e4736"), { kind: "export", traceId: "4bf92f3577b34da6a3ce929d0e0e4736", format: "otlp" });
  });

  it("refuses delete without exactly one scope, a bad --before or --user, and options of other commands", () => {
    rejects(["delete"], /delete needs one of --user ID or --before T/);
    rejects(["delete", "--user", "a", "--before", "1d"], /delete needs one of --user ID or --before T/);
    rejects(["delete", "alice"], /delete takes no arguments, got "alice"/);
    rejects(["delete", "--before", "yesterday"], /^--before: /);
    rejects(["delete", "--user", "u".repeat(129)], /--user must be 1 to 128 characters/);
    rejects(["delete", "--user", "a\u001b[2J"], /--user must be printable characters/);
    rejects(["delete", "--user", "a", "--json"], /--json is not an option of delete/);
    rejects(["delete", "--user", "a", "--yes=1"], /--yes takes no value/);
    rejects(["list", "--yes"], /--yes is not an option of list/);
    rejects(["list", "--before", "1d"], /--before is not an option of list/);
  });

  it("refuses export with both a trace id and --user, --format with --user, --out without --user", () => {
    rejects(["export", "4bf92f3577b34da6a3ce929d0e0e4736", "--user", "a"], /export takes a trace id or --user ID, not both/);
    rejects(["export", "--user", "a", "--format", "json"], /--format is for export <trace_id>/);
    rejects(["export", "4bf92f3577b34da6a3ce929d0e0e4736", "--out", "x.json"], /--out is for export --user/);
    rejects(["export", "--user", "a", "--out="], /--out needs a file|--out needs a value/);
    rejects(["show", "4bf92f3577b34da6a3ce929d0e0e4736", "--out", "x"], /--out is not an option of show/);
  });
  it("reads list --session (with --limit and --json) and sessions --user", () => {
    assert.deepEqual(parse("list", "--session", "chat 1/a", "--limit", "50", "--json"), { kind: "list", json: true, filters: { session: "chat 1/a", limit: 50 } });
    assert.deepEqual(parse("list", "--session", "s".repeat(256)), { kind: "list", json: false, filters: { session: "s".repeat(256), limit: 20 } });
    assert.deepEqual(parse("sessions", "--user", "alice"), { kind: "sessions", json: false, user: "alice", limit: 20 });
    assert.deepEqual(parse("sessions", "--user", "42", "--limit", "5", "--json", "--project", "p1"), { kind: "sessions", json: true, project: "p1", user: "42", limit: 5 });
  });

  it("refuses --session with other filters or out of bounds, and sessions without --user or with list filters", () => {
    for (const other of [["--user", "a"], ["--skill", "k"], ["--status", "error"], ["--since", "1h"], ["--until", "1h"]]) {
      rejects(["list", "--session", "s", ...other], new RegExp(`--session lists one session's runs, oldest first: it does not combine with ${other[0]}`));
    }
    rejects(["list", "--session", "s".repeat(257)], /--session must be 1 to 256 characters/);
    rejects(["list", "--session="], /--session must be 1 to 256 characters|--session needs a value/);
    rejects(["sessions"], /sessions needs --user ID/);
    rejects(["sessions", "--user", "a", "--status", "error"], /--status is not an option of sessions/);
    rejects(["sessions", "--user", "a", "--session", "s"], /--session is not an option of sessions/);
    rejects(["sessions", "--user", "a", "--limit", "101"], /--limit must be a whole number from 1 to 100/);
    rejects(["sessions", "alice"], /sessions takes no arguments/);
    rejects(["show", "4bf92f3577b34da6a3ce929d0e0e4736", "--session", "s"], /--session is not an option of show/);
  });
});

describe("cli: list by cost arguments", () => {
  it("reads --sort cost and --min-cost (which implies it), alone or with one of --user, --skill or --status", () => {
    assert.deepEqual(parse("list", "--sort", "cost"), { kind: "list", json: false, filters: { sort: "cost", limit: 20 } });
    assert.deepEqual(parse("list", "--sort", "started"), { kind: "list", json: false, filters: { limit: 20 } }, "the default order");
    assert.deepEqual(parse("list", "--min-cost", "0.05", "--status", "success", "--limit", "5"), { kind: "list", json: false, filters: { status: "success", sort: "cost", minCostUsd: 0.05, limit: 5 } });
    assert.deepEqual(parse("list", "--sort", "cost", "--min-cost=$2", "--user", "42", "--json"), { kind: "list", json: true, filters: { user: "42", sort: "cost", minCostUsd: 2, limit: 20 } });
    assert.deepEqual(parse("list", "--min-cost", ".5", "--skill", "research"), { kind: "list", json: false, filters: { skill: "research", sort: "cost", minCostUsd: 0.5, limit: 20 } });
    assert.deepEqual(parse("list", "--min-cost", "0"), { kind: "list", json: false, filters: { sort: "cost", minCostUsd: 0, limit: 20 } });
  });

  it("refuses a list by cost with two of --user, --skill and --status, with a start-time bound or a session, and bad values", () => {
    rejects(["list", "--sort", "cost", "--user", "a", "--status", "error"], /--sort cost combines with one of --user, --skill or --status, got --user and --status/);
    rejects(["list", "--min-cost", "1", "--skill", "k", "--status", "error"], /--min-cost combines with one of --user, --skill or --status/);
    rejects(["list", "--sort", "cost", "--since", "1h"], /--sort cost orders by cost: it does not combine with --since/);
    rejects(["list", "--min-cost", "1", "--until", "1h"], /--min-cost orders by cost: it does not combine with --until/);
    rejects(["list", "--session", "s", "--sort", "cost"], /--session .* does not combine with --sort/);
    rejects(["list", "--session", "s", "--min-cost", "1"], /--session .* does not combine with --min-cost/);
    rejects(["list", "--min-cost", "1", "--sort", "started"], /--min-cost lists the most expensive runs first: it does not combine with --sort started/);
    rejects(["list", "--sort", "price"], /--sort must be started or cost, got "price"/);
    for (const bad of ["-1", "abc", "1e3", "", "$", "1.2.3", "NaN", "Infinity", "0x10"]) rejects(["list", `--min-cost=${bad}`], /--min-cost must be an amount of USD >= 0|--min-cost needs a value/);
    rejects(["sessions", "--user", "a", "--sort", "cost"], /--sort is not an option of sessions/);
    rejects(["report", "--min-cost", "1"], /--min-cost is not an option of report/);
  });
});
