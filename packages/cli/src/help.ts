import { LIMITS } from "@agent-traces/core";

/** The text of --help: every command, option and default. */
export const USAGE = `agent-traces: add the backend to your Firebase project, inspect stored agent traces, and grant who may read them

Usage:
  agent-traces list [--user U] [--skill K] [--status S] [--since T] [--until T] [--limit N] [--json]
  agent-traces list --failed-tool NAME [--since T] [--until T] [--limit N] [--json]
  agent-traces list --sort cost [--min-cost USD] [--user U | --skill K | --status S] [--limit N] [--json]
  agent-traces list --session ID [--limit N] [--json]
  agent-traces sessions --user U [--limit N] [--json]
  agent-traces show <trace_id> [--json]
  agent-traces export <trace_id> [--format otlp|json]
  agent-traces export --user ID [--feedback] [--out FILE]
  agent-traces delete --user ID [--yes]
  agent-traces delete --before T [--yes]
  agent-traces report [--window-start T] [--hours N] [--json]
  agent-traces grant-admin <email-or-uid> [--revoke]
  agent-traces init [--dir D] [--dry-run] [--project ID] [--site S] [--default-site S] [--functions-package SPEC]
  agent-traces --help

list      the newest runs first: started, trace id, status, user, skill, duration,
          tool calls (kept/errors/dropped), iterations, cost ("unpriced" when no model
          of the run has a price, never $0). With --session: that session's
          (conversation's) runs, oldest first. With --sort cost: the most expensive
          first; runs without a priced cost (no usage, or only models without a
          price) are not listed
sessions  a user's sessions, newest first (by the user's newest run in each): session
          id, runs, first and last start, how many runs ended in each status. A
          session's runs are counted whoever's they are, up to 1,000 per session
show      one run: its header (with its session, tokens and cost per model and in
          total (models without a price named), why it was kept, its weight and its
          feedback counts), its ratings (thumbs, value, tags, comment, rater, when; newest
          first) and a waterfall of its tool calls
export    one run as OTLP/JSON (default: resourceSpans in the OpenTelemetry GenAI
          conventions, for an OTel collector's or Jaeger's OTLP/HTTP import; our ids kept)
          or as the stored trace's JSON. With --user: every stored trace of that user
          (recorded by the uid, or naming it as user id in either form of a number),
          oldest first, as a JSON array of stored traces (a data-access request); with
          --user and --feedback: the ratings given by that uid or of runs it sent or
          names, as a JSON array, oldest first
delete    with --user: every trace recorded by or naming that user (as export --user
          finds them), the ratings export --user --feedback finds, and the user's
          rate-limit counter; with --before: every trace that started before T, and
          the ratings of those runs. Without --yes it deletes nothing and prints how
          many documents of each collection it would delete; with --yes it deletes them in batches of
          400 and writes a receipt in trace_erasures (the counts, start and end; a user
          only as the SHA-256 of the uid). The functions do the same by themselves when
          a Firebase Auth user is deleted (ERASE_ON_USER_DELETE)
report    the error report for a window of commit time (committed_at), built by the
          same code as the scheduled reportTraceErrors function (read-only: nothing is
          stored or posted): failures, estimated runs ± their margin at 95%, and tokens
          and cost per skill and model
grant-admin  set the custom claim admin: true on a Firebase Auth user (by email, or
          by uid when the value has no @), keeping its other custom claims; with
          --revoke, remove it. The user must sign out and in again: an ID token
          carries the claims of when it was issued
init      merge the agent-traces backend into the Firebase project in --dir, keeping
          what you wrote: a functions codebase "agent-traces" (agent-traces/functions),
          the viewer as a Hosting site of its own (agent-traces/viewer, hosting target
          agent-traces-viewer), our rules between marker lines in your firestore.rules,
          our indexes and TTL overrides in your firestore.indexes.json. It refuses (exit
          code 1, nothing written) what it cannot merge safely, and warns about rules of
          yours that open the trace collections too. Run again, it changes nothing

Options:
  --user U        list: runs of this user id (an integer also matches the numeric user
                  id); sessions: that user's sessions (the same matching); export and
                  delete: that user's traces (recorded by or naming it)
  --session ID    list: the runs of this session id, oldest first (1 to ${LIMITS.sessionIdChars}
                  characters; not with --user, --skill, --status, --since or --until)
  --skill K       runs of this skill (exact match, 1 to ${LIMITS.skillChars} characters)
  --status S      success, error or timeout
  --failed-tool NAME
                  list: runs in which a call to the tool NAME failed, newest first
                  (exact name; only with --since and --until)
  --since T       runs started at or after T: 30m, 1h, 2d, 1w back from now, or an
                  ISO date or date-time (local time unless it has a zone)
  --until T       runs started before T (same forms)
  --sort S        list: started (newest first, the default) or cost (most expensive
                  first; with one of --user, --skill or --status at most, not with
                  --since or --until)
  --min-cost USD  list: runs that cost at least USD (like 0.05), most expensive first
                  (implies --sort cost)
  --limit N       how many runs (sessions: how many sessions), 1 to 100 (default 20)
  --window-start T  the report window's start (same forms as --since); default: the
                  previous full hour(s)
  --hours N       the report window's length in hours (default 1)
  --revoke        grant-admin: remove the admin claim instead of setting it
  --format F      export: otlp (default) or json
  --out FILE      export --user: write the JSON to FILE instead of stdout
  --feedback      export --user: the user's ratings instead of their traces
  --before T      delete: traces started before T (same forms as --since)
  --yes           delete: delete for real (without it, a dry run with counts)
  --dir D         init: the Firebase project's folder (with firebase.json; default: current)
  --dry-run       init: print the diff of every file it would change, write nothing
  --site S        init: the viewer's Hosting site (default: the one .firebaserc links to
                  agent-traces-viewer, else <project>-traces)
  --default-site S  init: the site your own single hosting entry deploys to, written into
                  it when hosting becomes a list (default: the project id)
  --functions-package SPEC  init: the @agent-traces/functions dependency of the codebase
                  (default: ^ this CLI's version; e.g. a file: path to a tarball)
  --json          JSON only on stdout (list: an array of traces; sessions: an array of
                  { session_id, runs, runs_capped, first_started_at, last_started_at,
                  statuses, users }; show: the trace, without its ratings)
  --project ID    use the Firebase project ID with application default credentials (its
                  Firestore, or for grant-admin its Auth users), instead of the emulator;
                  for init, the project (or .firebaserc alias) to link the viewer's site in
                  (default: .firebaserc's default project)
  -h, --help      this help

Without --project the CLI uses the emulators: Firestore at FIRESTORE_EMULATOR_HOST, and for
grant-admin Auth at FIREBASE_AUTH_EMULATOR_HOST, or else at the host and port pinned in the
repo's firebase.json, for the project GCLOUD_PROJECT (default demo-agent-traces). Times are
printed in the local time zone (TZ=UTC for UTC).

Examples:
  npm run traces -- list --status error --since 1h
  npm run traces -- show 4bf92f3577b34da6a3ce929d0e0e4736
  npm run traces -- list --user alice --json --limit 100 --project my-project
  npm run traces -- list --skill research --status error
  npm run traces -- list --failed-tool web_search --since 1d
  npm run traces -- list --sort cost --skill research --limit 10
  npm run traces -- list --min-cost 0.50 --status success
  npm run traces -- sessions --user alice
  npm run traces -- list --session chat-2f1c --limit 100
  npm run traces -- grant-admin ops@example.com --project my-project
  npm run traces -- export --user alice --out alice.json --project my-project
  npm run traces -- export --user alice --feedback --out alice-ratings.json --project my-project
  npm run traces -- delete --before 30d
  npm run traces -- delete --user alice --yes --project my-project
  npm run report -- --window-start 2025-03-01T09:00:00Z --hours 3
  npx @agent-traces/cli init --dry-run
`;
