export const USAGE = `agent-traces: inspect stored agent traces

Usage:
  agent-traces list [--user U] [--status S] [--since T] [--until T] [--limit N] [--json]
  agent-traces show <trace_id> [--json]
  agent-traces report [--window-start T] [--hours N] [--json]
  agent-traces --help

list      the newest runs first: started, trace id, status, user, skill, duration,
          tool calls (kept/errors/dropped), iterations
show      one run: its header and a waterfall of its tool calls
report    the error report for a window of arrival time (received_at), built by the
          same code as the scheduled reportTraceErrors function (read-only: nothing is
          stored or posted)

Options:
  --user U        runs of this user id (an integer also matches the numeric user id)
  --status S      success, error or timeout
  --since T       runs started at or after T: 30m, 1h, 2d, 1w back from now, or an
                  ISO date or date-time (local time unless it has a zone)
  --until T       runs started before T (same forms)
  --limit N       how many runs, 1 to 100 (default 20)
  --window-start T  the report window's start (same forms as --since); default: the
                  previous full hour(s)
  --hours N       the report window's length in hours (default 1)
  --json          JSON only on stdout (list: an array of traces; show: the trace)
  --project ID    read the Firestore of the Firebase project ID with application default
                  credentials, instead of the emulator
  -h, --help      this help

Without --project the CLI reads the Firestore emulator at FIRESTORE_EMULATOR_HOST, or else at
the host and port pinned in the repo's firebase.json, for the project GCLOUD_PROJECT (default
demo-agent-traces). Times are printed in the local time zone (TZ=UTC for UTC).

Examples:
  npm run traces -- list --status error --since 1h
  npm run traces -- show 4bf92f3577b34da6a3ce929d0e0e4736
  npm run traces -- list --user alice --json --limit 100 --project my-project
  npm run report -- --window-start 2025-03-01T09:00:00Z --hours 3
`;
