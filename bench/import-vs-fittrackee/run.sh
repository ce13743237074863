#!/usr/bin/env bash
# File import throughput, Stride vs FitTrackee, side by side (issue #14). See README.md here.
#
#   bench/import-vs-fittrackee/run.sh      # run it on an otherwise idle machine (no compile meanwhile)
#
# Needs: PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres) with PostGIS
# (`apt-get install -y postgresql-15-postgis-3`), Redis on 127.0.0.1:6379 (FitTrackee's task
# broker; db 13 is used), python3, and a built Stride (`cargo build -p stride`). The venv with
# FitTrackee is made in bench/.venv on first use. Knobs (environment):
#   BENCH_STRIDE_BIN  the binary (default: target/release/stride if it exists, else target/debug)
#   BENCH_DBS         "postgres sqlite" (default) — Stride is measured on each ("": skip Stride)
#   GPX_COUNT FIT_COUNT EXPORT_COUNT   200 200 2500
#   CONCURRENCY       requests in flight for the concurrent runs (8)
#   FT_WORKERS        FitTrackee's gunicorn workers (2 x cores + 1, gunicorn's own advice)
#   SKIP_FITTRACKEE=1 measure Stride only;  SKIP_EXPORT=1 skip the 2,500-file export
#   (Stride refuses unknown STRIDE_* variables, so the knobs here are named BENCH_*.)
#   KEEP=1            keep the benchmark databases and the run folder afterwards
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
VENV=${VENV:-$REPO/bench/.venv}
PY=$VENV/bin/python
DATA=${DATA:-$HERE/data}
GPX_COUNT=${GPX_COUNT:-200}
FIT_COUNT=${FIT_COUNT:-200}
EXPORT_COUNT=${EXPORT_COUNT:-2500}
CONCURRENCY=${CONCURRENCY:-8}
BENCH_DBS=${BENCH_DBS-postgres sqlite}
FT_WORKERS=${FT_WORKERS:-$((2 * $(nproc) + 1))}
FIXTURES=${FIXTURES:-/work/shared/fixtures/files}
WARMUP=$FIXTURES/georust-gpx_garmin-activity.gpx
PASSWORD=bench-password-1
PGHOST=127.0.0.1
FT_DB=fittrackee_bench
STRIDE_PG_DB=stride_fittrackee_bench
psql_() { psql -h "$PGHOST" -U postgres -v ON_ERROR_STOP=1 -q -X "$@"; }

if [[ -z "${BENCH_STRIDE_BIN:-}" ]]; then
  if [[ -x $REPO/target/release/stride ]]; then BENCH_STRIDE_BIN=$REPO/target/release/stride; else BENCH_STRIDE_BIN=$REPO/target/debug/stride; fi
fi
[[ -z $BENCH_DBS || -x $BENCH_STRIDE_BIN ]] || { echo "no Stride binary at $BENCH_STRIDE_BIN: run 'cargo build -p stride' first" >&2; exit 1; }
case $BENCH_STRIDE_BIN in */release/*) PROFILE=release ;; */debug/*) PROFILE=debug ;; *) PROFILE=unknown ;; esac

RUN=$(mktemp -d /tmp/stride-vs-fittrackee.XXXXXX)
RESULTS=$RUN/results.jsonl
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -z "${KEEP:-}" ]]; then
    psql_ -c "DROP DATABASE IF EXISTS $FT_DB" -c "DROP DATABASE IF EXISTS $STRIDE_PG_DB" 2>/dev/null || true
    rm -rf "$RUN/ft-uploads" "$RUN"/stride-*.db* "$RUN"/stride-data-*
  fi
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # url seconds
  for _ in $(seq 1 $(( $2 * 4 ))); do curl -fs -o /dev/null "$1" && return 0; sleep 0.25; done
  echo "nothing answered at $1 within $2 s" >&2; return 1
}

# --- prerequisites ---------------------------------------------------------------------------
if [[ ! -x $VENV/bin/fittrackee ]]; then
  echo "== making $VENV with FitTrackee"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "fittrackee==1.3.6"
fi
if [[ -z "${SKIP_FITTRACKEE:-}" ]] && ! psql_ -tAc "select 1 from pg_available_extensions where name='postgis'" | grep -q 1; then
  echo "PostGIS is missing: apt-get install -y postgresql-15-postgis-3" >&2; exit 1
fi

# --- inputs (generated once, deterministic; kept in $DATA) -----------------------------------
GPX_DIR=$DATA/gpx-$GPX_COUNT
FIT_DIR=$DATA/fit-$FIT_COUNT
EXPORT_ZIP=$DATA/garmin-export-$EXPORT_COUNT.zip
if [[ ! -e $GPX_DIR/.done ]]; then
  echo "== generating $GPX_COUNT GPX runs"; rm -rf "$GPX_DIR"
  "$PY" "$HERE/gen.py" gpx "$GPX_DIR" --count "$GPX_COUNT" && touch "$GPX_DIR/.done"
fi
if [[ ! -e $FIT_DIR/.done ]]; then
  echo "== generating $FIT_COUNT FIT files"; rm -rf "$FIT_DIR"
  "$PY" "$HERE/gen.py" fit "$FIT_DIR" --count "$FIT_COUNT" --fixtures "$FIXTURES" && touch "$FIT_DIR/.done"
fi
if [[ -z "${SKIP_EXPORT:-}" && ! -e $EXPORT_ZIP.done ]]; then
  echo "== generating a 10-year export of $EXPORT_COUNT activities"
  "$PY" "$HERE/gen.py" export "$EXPORT_ZIP" --count "$EXPORT_COUNT" --fixtures "$FIXTURES" && touch "$EXPORT_ZIP.done"
fi
AS_SHIPPED=$RUN/fit-fixtures-as-shipped
mkdir -p "$AS_SHIPPED" && cp "$FIXTURES"/*.fit "$AS_SHIPPED"/

# --- what is measured where ------------------------------------------------------------------
{
  echo "date:       $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine:    $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
  echo "load:       $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) at the start"
  echo "commit:     $(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD -- host sdk plugins Cargo.lock 2>/dev/null || echo ' + uncommitted changes')"
  echo "stride:     $BENCH_STRIDE_BIN ($PROFILE profile, built $(date -u -r "$BENCH_STRIDE_BIN" +%Y-%m-%dT%H:%MZ)) on ${BENCH_DBS// /, }"
  echo "fittrackee: $("$VENV/bin/pip" show fittrackee 2>/dev/null | awk '/^Version/{print $2}') on $("$PY" --version), gunicorn $FT_WORKERS sync workers, PostgreSQL $(psql_ -tAc 'show server_version') + PostGIS"
  echo "inputs:     $GPX_COUNT GPX (45 min, 1 Hz, $(du -sh "$GPX_DIR" | cut -f1)), $FIT_COUNT FIT (time-shifted Fenix 2 fixture, $(du -sh "$FIT_DIR" | cut -f1)), concurrency $CONCURRENCY"
  echo "command:    ${BENCH_COMMAND:-bench/import-vs-fittrackee/run.sh}"
} | tee "$RUN/machine.txt"

# --- FitTrackee ------------------------------------------------------------------------------
if [[ -z "${SKIP_FITTRACKEE:-}" ]]; then
  TILE_PORT=$(free_port); FT_PORT=$(free_port)
  python3 "$HERE/tile_stub.py" "$TILE_PORT" & PIDS+=($!)
  psql_ -c "DROP DATABASE IF EXISTS $FT_DB" -c "CREATE DATABASE $FT_DB"
  psql_ -d "$FT_DB" -c "CREATE EXTENSION postgis"
  export DATABASE_URL=postgresql://postgres@$PGHOST:5432/$FT_DB
  export APP_SECRET_KEY=stride-benchmark-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  export APP_SETTINGS=fittrackee.config.ProductionConfig
  export UPLOAD_FOLDER=$RUN/ft-uploads UI_URL=http://127.0.0.1:$FT_PORT
  export TILE_SERVER_URL="http://127.0.0.1:$TILE_PORT/{z}/{x}/{y}.png" STATICMAP_SUBDOMAINS=
  export REDIS_URL=redis://127.0.0.1:6379/13
  export HOST=127.0.0.1 PORT=$FT_PORT APP_WORKERS=$FT_WORKERS APP_TIMEOUT=300 LOG_LEVEL=warning
  mkdir -p "$UPLOAD_FOLDER"
  echo "== FitTrackee: migrating, creating users, starting on :$FT_PORT"
  (cd "$RUN" && "$VENV/bin/ftcli" db upgrade > "$RUN/ft-migrate.log" 2>&1)
  FT_RUNS=(gpx-seq gpx-conc fit-seq fit-conc fixtures)
  for u in "${FT_RUNS[@]}"; do
    (cd "$RUN" && "$VENV/bin/ftcli" users create "ft_${u//-/_}" --email "ft-$u@bench.local" --password "$PASSWORD" >> "$RUN/ft-users.log" 2>&1)
  done
  (cd "$RUN" && exec "$VENV/bin/fittrackee" > "$RUN/fittrackee.log" 2>&1) & PIDS+=($!)
  wait_http "http://127.0.0.1:$FT_PORT/api/config" 60
  ft() { # run-name dir concurrency label [--warmup FILE]
    local user=ft_${1//-/_}
    "$PY" "$HERE/drive.py" upload fittrackee --base "http://127.0.0.1:$FT_PORT" --email "ft-$1@bench.local" \
      --password "$PASSWORD" --dir "$2" --concurrency "$3" --label "$4" "${@:5}" --out "$RESULTS" \
      --count-cmd "psql -h $PGHOST -U postgres -d $FT_DB -tAXc \"select count(*) from workouts w join users u on u.id = w.user_id where u.username = '$user'\""
  }
  echo "== FitTrackee: uploads"
  ft gpx-seq "$GPX_DIR" 1 "GPX, sequential" --warmup "$WARMUP"
  ft gpx-conc "$GPX_DIR" "$CONCURRENCY" "GPX, concurrent" --warmup "$WARMUP"
  ft fit-seq "$FIT_DIR" 1 "FIT, sequential" --warmup "$WARMUP"
  ft fit-conc "$FIT_DIR" "$CONCURRENCY" "FIT, concurrent" --warmup "$WARMUP"
  ft fixtures "$AS_SHIPPED" 1 "FIT fixtures as shipped"
  du -sh "$UPLOAD_FOLDER" | awk '{print "FitTrackee kept " $1 " of files and map images"}'
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'
fi

# --- Stride ----------------------------------------------------------------------------------
for db in $BENCH_DBS; do
  case $db in
    postgres)
      psql_ -c "DROP DATABASE IF EXISTS $STRIDE_PG_DB" -c "CREATE DATABASE $STRIDE_PG_DB"
      DB_URL=postgres://postgres@$PGHOST:5432/$STRIDE_PG_DB
      SQL="psql -h $PGHOST -U postgres -d $STRIDE_PG_DB -tAXc" ;;
    sqlite)
      DB_URL=sqlite://$RUN/stride-bench.db
      SQL="sqlite3 $RUN/stride-bench.db" ;;
    *) echo "unknown Stride database $db" >&2; exit 1 ;;
  esac
  export STRIDE_DATABASE_URL=$DB_URL STRIDE_DATA_DIR=$RUN/stride-data-$db STRIDE_LOG_FILTER=warn
  # One athlete uploading files one request each would hit the API's per-session limit
  # (30/s sustained) long before anything else: lift the limits for the measurement.
  export STRIDE_HTTP__PER_SESSION_PER_S=100000 STRIDE_HTTP__PER_SESSION_BURST=100000
  export STRIDE_HTTP__PER_ADDRESS_PER_S=100000 STRIDE_HTTP__PER_ADDRESS_BURST=100000
  ST_PORT=$(free_port)
  export STRIDE_PUBLIC_URL=http://127.0.0.1:$ST_PORT
  echo "== Stride ($PROFILE, $db): owner, server on :$ST_PORT, athletes"
  printf '%s' "$PASSWORD" | "$BENCH_STRIDE_BIN" admin create-owner --email owner@bench.local --password-stdin > "$RUN/stride-$db-owner.log" 2>&1 \
    || { cat "$RUN/stride-$db-owner.log" >&2; exit 1; }
  "$BENCH_STRIDE_BIN" serve --listen "127.0.0.1:$ST_PORT" > "$RUN/stride-$db.log" 2>&1 & PIDS+=($!)
  wait_http "http://127.0.0.1:$ST_PORT/readyz" 120
  ST_RUNS=(gpx-seq gpx-conc fit-seq fit-conc fixtures cli-gpx cli-fit export export-job)
  "$PY" "$HERE/drive.py" athletes --base "http://127.0.0.1:$ST_PORT" --owner-email owner@bench.local \
    --owner-password "$PASSWORD" --password "$PASSWORD" $(for u in "${ST_RUNS[@]}"; do echo "st-$u@bench.local"; done)
  count_cmd() { echo "$SQL \"select count(*) from activities a join users u on u.id = a.user_id where u.email = 'st-$1@bench.local'\""; }
  jobs_cmd="$SQL \"select kind || '=' || count(*) from jobs where state in ('queued', 'running') group by kind\""
  st() { # run-name dir concurrency label [--warmup FILE]
    "$PY" "$HERE/drive.py" upload stride --base "http://127.0.0.1:$ST_PORT" --email "st-$1@bench.local" \
      --password "$PASSWORD" --dir "$2" --concurrency "$3" --label "$4 ($db)" "${@:5}" --out "$RESULTS" \
      --count-cmd "$(count_cmd "$1")" --jobs-cmd "$jobs_cmd"
  }
  echo "== Stride ($db): uploads"
  st gpx-seq "$GPX_DIR" 1 "GPX, sequential" --warmup "$WARMUP"
  st gpx-conc "$GPX_DIR" "$CONCURRENCY" "GPX, concurrent" --warmup "$WARMUP"
  st fit-seq "$FIT_DIR" 1 "FIT, sequential" --warmup "$WARMUP"
  st fit-conc "$FIT_DIR" "$CONCURRENCY" "FIT, concurrent" --warmup "$WARMUP"
  st fixtures "$AS_SHIPPED" 1 "FIT fixtures as shipped"
  if [[ -z "${SKIP_EXPORT:-}" ]]; then
    echo "== Stride ($db): the 10-year export as one startFileImport (a job)"
    "$PY" "$HERE/drive.py" background --base "http://127.0.0.1:$ST_PORT" --email st-export-job@bench.local \
      --password "$PASSWORD" --file "$EXPORT_ZIP" --label "Export zip as a job ($db)" --out "$RESULTS" \
      --count-cmd "$(count_cmd export-job)"
  fi
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'

  # The CLI imports in-process (no HTTP); the server is stopped so nothing else runs.
  cli() { # run-name label path...
    local log=$RUN/stride-$db-$1.log t0 t1
    echo "== Stride ($db): stride import $2"
    t0=$(date +%s.%N)
    "$BENCH_STRIDE_BIN" import --athlete "st-$1@bench.local" "${@:3}" > "$log" 2>"$log.progress" || echo "stride import failed: see $log" >&2
    t1=$(date +%s.%N)
    "$PY" "$HERE/drive.py" cli --label "$2 ($db)" --input "$(basename "$3")" --seconds "$(echo "$t1 - $t0" | bc)" \
      --log "$log" --count-cmd "$(count_cmd "$1")" --jobs-cmd "$jobs_cmd" --out "$RESULTS"
  }
  cli cli-gpx "CLI, GPX folder" "$GPX_DIR"
  cli cli-fit "CLI, FIT folder" "$FIT_DIR"
  [[ -n "${SKIP_EXPORT:-}" ]] || cli export "CLI, 10-year export zip" "$EXPORT_ZIP"
done

echo "load:       $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) at the end" >> "$RUN/machine.txt"
echo
cat "$RUN/machine.txt"
echo
"$PY" "$HERE/drive.py" table "$RESULTS"
mkdir -p "$HERE/results"
cp "$RESULTS" "$HERE/results/$(date -u +%Y%m%dT%H%MZ)-$PROFILE.jsonl"
cp "$RUN/machine.txt" "$HERE/results/$(date -u +%Y%m%dT%H%MZ)-$PROFILE.machine.txt"
echo "results: $HERE/results/ (logs in $RUN)"
