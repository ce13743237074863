#!/usr/bin/env bash
# The whole server under load (issue #16): a fresh Stride server, athletes seeded through the
# API, then `stride-load` runs the standard mixes against it. See BENCHMARKS.md ("The whole
# server under load") for what it measured.
#
#   cargo build --release -p stride -p stride-e2e --bin stride --bin stride-load
#   bench/load/run.sh
#
# Knobs (environment; Stride refuses unknown STRIDE_* variables, so these are LOAD_*):
#   LOAD_DB          sqlite (default) or postgres (a fresh database on 127.0.0.1:5432, user postgres)
#   LOAD_ATHLETES    athletes to seed (10000)       LOAD_ACTIVITIES  activities each (14)
#   LOAD_USERS       virtual users = connections (1000)
#   LOAD_DURATION    measured seconds per mix (30)  LOAD_WARMUP  unmeasured seconds first (5)
#   LOAD_MIXES       space-separated mixes (default: healthz, home, dashboard, activities, and
#                    the mixed workload dashboard=60,activities=30,log=10)
#   LOAD_BIN_DIR     where stride and stride-load are (target/release, else target/debug)
#   LOAD_THREADS     the generator's threads (default one per core; 1 disturbs the server
#                    least, but falls behind at about 1,000 users)
#   LOAD_RATES       the loops to run, space-separated: `closed` (the default: each user sends
#                    again as soon as its answer arrives) or a rate in requests/s for an open
#                    loop (requests are due at that rate, shared by the users; latency counts
#                    from when each was due), e.g. "closed 2000 5000"
#   LOAD_AGAIN_WITH  settings to compare, e.g. "STRIDE_AUTH__SESSION_CACHE_S=0": the server is
#                    restarted with them on the same data and the mixes run again
#   KEEP=1           keep the run folder (server log, seeded state, reports) and the PostgreSQL
#                    database, to measure the same data again by hand (it prints how)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LOAD_DB=${LOAD_DB:-sqlite}
LOAD_ATHLETES=${LOAD_ATHLETES:-10000}
LOAD_ACTIVITIES=${LOAD_ACTIVITIES:-14}
LOAD_USERS=${LOAD_USERS:-1000}
LOAD_DURATION=${LOAD_DURATION:-30}
LOAD_WARMUP=${LOAD_WARMUP:-5}
LOAD_MIXES=${LOAD_MIXES:-healthz home dashboard activities dashboard=60,activities=30,log=10}
if [[ -z "${LOAD_BIN_DIR:-}" ]]; then
  if [[ -x $REPO/target/release/stride-load && -x $REPO/target/release/stride ]]; then
    LOAD_BIN_DIR=$REPO/target/release
  else
    LOAD_BIN_DIR=$REPO/target/debug
  fi
fi
STRIDE=$LOAD_BIN_DIR/stride
LOADGEN=$LOAD_BIN_DIR/stride-load
for bin in "$STRIDE" "$LOADGEN"; do
  [[ -x $bin ]] || { echo "no $bin: cargo build --release -p stride -p stride-e2e --bin stride --bin stride-load" >&2; exit 1; }
done
PASSWORD=load-owner-password-1
PG_DB=stride_load_bench

RUN=$(mktemp -d /tmp/stride-load.XXXXXX)
SERVER=
cleanup() {
  [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  if [[ -n "${KEEP:-}" ]]; then
    echo "kept $RUN$([[ $LOAD_DB == postgres ]] && echo " and the database $PG_DB")"
    echo "serve it again: env \$(cat $RUN/env) $STRIDE serve --listen 127.0.0.1:${PORT:-}"
    echo "measure again:  $LOADGEN --url ${URL:-} --state $RUN/state.json run --users $LOAD_USERS --mix home"
    return
  fi
  if [[ $LOAD_DB == postgres ]]; then
    psql -h 127.0.0.1 -U postgres -qXc "DROP DATABASE IF EXISTS $PG_DB" 2>/dev/null || true
  fi
  rm -rf "$RUN"
}
trap cleanup EXIT

case $LOAD_DB in
  postgres)
    psql -h 127.0.0.1 -U postgres -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
    export STRIDE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/$PG_DB ;;
  sqlite) export STRIDE_DATABASE_URL=sqlite://$RUN/stride.db ;;
  *) echo "LOAD_DB is sqlite or postgres, not $LOAD_DB" >&2; exit 1 ;;
esac
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
export STRIDE_DATA_DIR=$RUN/data STRIDE_LOG_FILTER=warn STRIDE_PUBLIC_URL=$URL
# As in production; the run waits on its job counts before measuring.
export STRIDE_METRICS__ENABLED=true
# Every virtual user comes from 127.0.0.1: the per-address and per-session limits would meter
# the whole load as one client.
export STRIDE_HTTP__PER_SESSION_PER_S=1000000 STRIDE_HTTP__PER_SESSION_BURST=1000000
export STRIDE_HTTP__PER_ADDRESS_PER_S=1000000 STRIDE_HTTP__PER_ADDRESS_BURST=1000000
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
env | grep '^STRIDE_' | sort > "$RUN/env"

printf '%s' "$PASSWORD" | "$STRIDE" admin create-owner --email owner@load.stride.test --password-stdin > "$RUN/owner.log" 2>&1 \
  || { cat "$RUN/owner.log" >&2; exit 1; }
start_server() { # extra settings...
  env "$@" "$STRIDE" serve --listen "127.0.0.1:$PORT" >> "$RUN/server.log" 2>&1 & SERVER=$!
  for _ in $(seq 1 120); do curl -fs -o /dev/null "$URL/readyz" && break; sleep 0.25; done
  curl -fs -o /dev/null "$URL/readyz" || { echo "the server did not start:" >&2; cat "$RUN/server.log" >&2; exit 1; }
}
start_server

echo "== $(date -u +%FT%TZ) $LOAD_DB, $(nproc) cores, $STRIDE ($(basename "$LOAD_BIN_DIR") build)"
echo "== seeding $LOAD_ATHLETES athletes x $LOAD_ACTIVITIES activities"
STRIDE_LOAD_OWNER_PASSWORD=$PASSWORD "$LOADGEN" --url "$URL" --state "$RUN/state.json" seed \
  --owner-email owner@load.stride.test --athletes "$LOAD_ATHLETES" --activities "$LOAD_ACTIVITIES" --concurrency 8
# Let the queued work (rules, insights) settle before measuring reads: wait until no job is
# ready or running (read from /metrics), for at most two minutes.
settle() {
  local busy
  for _ in $(seq 1 120); do
    busy=$(curl -fs "$URL/metrics" | awk '/^stride_jobs\{.*state="(ready|running)"/ { n += $2 } END { print n + 0 }')
    [[ $busy == 0 ]] && return
    sleep 1
  done
  echo "== still $busy jobs ready or running after two minutes; measuring anyway"
}
settle
MIX_ARGS=()
for mix in $LOAD_MIXES; do MIX_ARGS+=(--mix "$mix"); done
measure() { # label report-name
  local loop
  for loop in ${LOAD_RATES:-closed}; do
    local rate=()
    if [[ $loop == closed ]]; then
      echo "== $1, closed loop: $LOAD_USERS users, ${LOAD_DURATION} s per mix after ${LOAD_WARMUP} s of warm-up"
    elif [[ $loop =~ ^[0-9]+$ ]]; then
      rate=(--rate "$loop")
      echo "== $1, open loop at $loop requests/s: $LOAD_USERS users, ${LOAD_DURATION} s per mix after ${LOAD_WARMUP} s of warm-up"
    else
      echo "LOAD_RATES holds \`closed\` or whole numbers of requests/s, not $loop" >&2; exit 1
    fi
    "$LOADGEN" --url "$URL" --state "$RUN/state.json" ${LOAD_THREADS:+--threads "$LOAD_THREADS"} run --users "$LOAD_USERS" \
      "${rate[@]}" --duration "$LOAD_DURATION" --warmup "$LOAD_WARMUP" "${MIX_ARGS[@]}" --json "$RUN/report-$2-$loop.json"
  done
}
measure "default settings" default
if [[ -n "${LOAD_AGAIN_WITH:-}" ]]; then
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
  read -r -a again <<< "$LOAD_AGAIN_WITH"
  start_server "${again[@]}"
  measure "again with $LOAD_AGAIN_WITH" again
fi
