#!/usr/bin/env bash
# Soak: a file-backed localiam under iamload's mixed load (70% GetUser, 20% ListUsers,
# 10% CreateUser) at 64 connections for $DURATION seconds, sampling the server's RSS and thread
# count every $EVERY seconds. Prints one line per sample, then iamload's JSON line.
# Usage: IAMLOAD=path/to/iamload benches/soak.sh path/to/localiam
# Env: DURATION (600), EVERY (15), CONC (64), OP (mixed), STATE (a fresh file in a temp dir),
#      SERVER_CPU (0), CLIENT_CPU (1), PORT (23100).
set -u
BIN=${1:?usage: soak.sh LOCALIAM_BINARY}
IAMLOAD=${IAMLOAD:?set IAMLOAD to the iamload binary}
DURATION=${DURATION:-600}; EVERY=${EVERY:-15}; CONC=${CONC:-64}; OP=${OP:-mixed}
SERVER_CPU=${SERVER_CPU:-0}; CLIENT_CPU=${CLIENT_CPU:-1}; PORT=${PORT:-23100}
DIR=$(mktemp -d); STATE=${STATE:-$DIR/iam.db}
taskset -c "$SERVER_CPU" "$BIN" serve --listen "127.0.0.1:$PORT" --state "$STATE" >"$DIR/server.log" 2>&1 &
SPID=$!
trap 'kill -TERM $SPID 2>/dev/null; wait $SPID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null -m 1 "http://127.0.0.1:$PORT/_localiam/health" && break; sleep 0.1; done
echo "# soak $(date -u +%FT%TZ) $(nproc) cores: $OP c=$CONC for ${DURATION}s, state file, sample every ${EVERY}s"
taskset -c "$CLIENT_CPU" "$IAMLOAD" run --endpoint "http://127.0.0.1:$PORT" --op "$OP" \
  --concurrency "$CONC" --duration "$DURATION" --warmup 0 --server-pid "$SPID" >"$DIR/result.json" 2>"$DIR/client.err" &
CPID=$!
start=$(date +%s)
echo "elapsed_s rss_kib threads wal_kib"
while kill -0 "$CPID" 2>/dev/null; do
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$SPID/status" 2>/dev/null)
  threads=$(ls "/proc/$SPID/task" 2>/dev/null | wc -l)
  wal=$(( $(stat -c %s "$STATE-wal" 2>/dev/null || echo 0) / 1024 ))
  echo "$(( $(date +%s) - start )) ${rss:-0} $threads $wal"
  sleep "$EVERY"
done
wait "$CPID"; status=$?
cat "$DIR/result.json"
head -5 "$DIR/client.err" >&2
exit $status
