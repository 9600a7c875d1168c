#!/bin/bash
# Memory per recordTrace call (docs/scaling.md, "Memory per instance"): bundles the functions as
# deployed, writes the bodies, starts a private Firestore emulator (Google's jar, port FS_PORT, 8199 by
# default) and runs server.mjs's rounds against it; then what a request holds before the handler
# (parse.mjs). Run it under the stack lock, like anything that starts an emulator:
#   flock /tmp/agent-traces-stack.lock bench/memory/run.sh
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/memory
OUT=$ROOT/node_modules/.cache/agent-traces-memory
PORT=${FS_PORT:-8199}
JAR=/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar
mkdir -p "$OUT"
cd "$ROOT"
npx esbuild functions/src/index.ts --bundle --platform=node --target=node20 --format=esm --conditions=source --log-level=warning \
  --external:@google-cloud/firestore --external:firebase-admin --external:'firebase-admin/*' --external:firebase-functions --external:'firebase-functions/*' --external:zod \
  --outfile="$OUT/index.js" || exit 1
npx tsx --conditions=source "$HERE/bodies.ts" "$OUT" || exit 1
java -Duser.language=en -cp "$JAR" com.google.cloud.datastore.emulator.firestore.CloudFirestore start --host=127.0.0.1 --port="$PORT" --project_id=demo-memory > "$OUT/firestore.log" 2>&1 &
JAVA=$!
trap 'kill -CONT $JAVA 2>/dev/null; kill $JAVA 2>/dev/null; wait $JAVA 2>/dev/null' EXIT
for _ in $(seq 1 60); do curl -s "http://127.0.0.1:$PORT/" > /dev/null 2>&1 && break; sleep 0.5; done
round() { # STALL BODY COUNTS PARAMS
  STALL=$1 BODY=$2 COUNTS=$3 PARAMS=$4 BUNDLE="$OUT/index.js" BODIES_DIR="$OUT" JAVA_PID=$JAVA FIRESTORE_EMULATOR_HOST=127.0.0.1:$PORT \
    timeout 300 node --expose-gc "$HERE/server.mjs" > "$OUT/function.log" || echo "round failed: $1 $2 $3 $4" >&2
}
NO_BUDGET='{"RECORD_TRACE_MEMORY_MIB":"4096"}'
for STALL in gate stop; do
  for BODY in largest9.json realistic100.json; do round $STALL $BODY 1,8,24 "$NO_BUDGET"; done
done
for BODY in largest9.json realistic100.json; do
  echo "-- 80 at once, the defaults (512 MiB, concurrency 80), then without a budget:" >&2
  round stop $BODY 80 '{}'
  round stop $BODY 80 "$NO_BUDGET"
done
echo "-- before the handler:" >&2
for BODY in largest9.json realistic100.json empty-maps.json zeros.json; do node --expose-gc "$HERE/parse.mjs" "$OUT/$BODY" 10 >&2; done
