#!/usr/bin/env bash
# Memory vs file store, side by side in one sitting: for every (binary, state, op, concurrency)
# a fresh localiam pinned to core $SERVER_CPU, iamload pinned to core $CLIENT_CPU.
# Usage: benches/store-load.sh BINARY [BINARY ...]
# (mixed includes 10% CreateUser: once the account's 5,000 users exist those answer LimitExceeded,
# which iamload counts as errors; see `errors` in each line.)
# Env: IAMLOAD (binary; build: cargo build --release --manifest-path ../shared/tools/iamload/Cargo.toml),
#      OPS, CONCS, STATES ("memory file"), DUR, WARM, REPEAT, OUT (results.jsonl goes there).
set -u
IAMLOAD=${IAMLOAD:?set IAMLOAD to the iamload binary}
OPS=${OPS:-"GetUser CreateUser mixed"}
CONCS=${CONCS:-"16 64"}
STATES=${STATES:-"memory file"}
DUR=${DUR:-10}; WARM=${WARM:-2}; REPEAT=${REPEAT:-1}
SERVER_CPU=${SERVER_CPU:-0}; CLIENT_CPU=${CLIENT_CPU:-1}
OUT=${OUT:-/tmp/store-load}; PORT=${PORT:-22100}
mkdir -p "$OUT"
SPID=""; DIR=$(mktemp -d)

stop_server() {
  [ -n "$SPID" ] || return 0
  kill -TERM "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; SPID=""
}
trap 'stop_server; rm -rf "$DIR"' EXIT

pgrep -x 'rustc|cc1|ld' >/dev/null && echo "warning: compilers running, figures will be noisy" >&2
echo "# $(date -u +%FT%TZ) $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/results.jsonl"
for bin in "$@"; do
  for state in $STATES; do
    for op in $OPS; do
      for c in $CONCS; do
        for _ in $(seq 1 "$REPEAT"); do
          PORT=$((PORT + 1))
          file=":memory:"
          [ "$state" = file ] && { rm -f "$DIR"/iam.db*; file="$DIR/iam.db"; }
          taskset -c "$SERVER_CPU" "$bin" serve --listen "127.0.0.1:$PORT" --state "$file" \
            >>"$OUT/server.log" 2>&1 &
          SPID=$!
          for _ in $(seq 1 100); do curl -s -o /dev/null -m 1 "http://127.0.0.1:$PORT/_localiam/health" && break; sleep 0.1; done
          # An account holds 5,000 users (IAM's quota) and setup makes 101: CreateUser is measured
          # over the 4,800 that still succeed, without warm-up, instead of timing quota errors.
          window=(--duration "$DUR" --warmup "$WARM")
          [ "$op" = CreateUser ] && window=(--duration 60 --warmup 0 --requests 4800)
          line=$(timeout 180 taskset -c "$CLIENT_CPU" "$IAMLOAD" run --endpoint "http://127.0.0.1:$PORT" \
            --op "$op" --concurrency "$c" "${window[@]}" --server-pid "$SPID" \
            2>>"$OUT/client.err")
          threads=$(ls "/proc/$SPID/task" | wc -l)  # after the load, before the stop
          echo "$line" | sed "s|^{|{\"bin\":\"$bin\",\"state\":\"$state\",\"threads_after\":$threads,|" \
            | tee -a "$OUT/results.jsonl"
          stop_server
        done
      done
    done
  done
done
echo "# done $(date -u +%FT%TZ)" | tee -a "$OUT/results.jsonl"
