#!/usr/bin/env bash
# GetUser on one account of a server that holds one account vs. one holding ACCOUNTS accounts of
# USERS users each, side by side in one sitting: a fresh localiam pinned to core $SERVER_CPU,
# iamload pinned to core $CLIENT_CPU, the measured account's users made by iamload's setup.
# Usage: benches/accounts-load.sh BINARY
# Env: IAMLOAD (binary), ACCOUNTS (100), USERS (100), CONCS ("16"), STATES ("memory"), DUR, WARM,
#      REPEAT, OUT (results.jsonl goes there). Needs .venv (scripts/setup-python) for the setup.
set -u
BIN=${1:?usage: benches/accounts-load.sh BINARY}
IAMLOAD=${IAMLOAD:?set IAMLOAD to the iamload binary}
ACCOUNTS=${ACCOUNTS:-100}; USERS=${USERS:-100}
CONCS=${CONCS:-16}; STATES=${STATES:-memory}
DUR=${DUR:-10}; WARM=${WARM:-2}; REPEAT=${REPEAT:-3}
SERVER_CPU=${SERVER_CPU:-0}; CLIENT_CPU=${CLIENT_CPU:-1}
OUT=${OUT:-/tmp/accounts-load}; PORT=${PORT:-22300}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$OUT"
SPID=""; DIR=$(mktemp -d)

stop_server() {
  [ -n "$SPID" ] || return 0
  kill -TERM "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; SPID=""
}
trap 'stop_server; rm -rf "$DIR"' EXIT

# Fills accounts 100000000001.. with USERS users each, signing as each account's root (its id).
populate() {
  "$ROOT/.venv/bin/python" - "$1" "$2" "$3" <<'PY'
import sys, concurrent.futures, boto3, botocore.config
url, accounts, users = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cfg = botocore.config.Config(retries={"max_attempts": 1}, max_pool_connections=8)
def fill(n):
    acct = f"{100000000000 + n:012d}"
    iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1", config=cfg,
                       aws_access_key_id=acct, aws_secret_access_key="test")
    for u in range(users):
        iam.create_user(UserName=f"u{u:04d}")
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    list(pool.map(fill, range(1, accounts + 1)))
PY
}

pgrep -x 'rustc|cc1|ld' >/dev/null && echo "warning: compilers running, figures will be noisy" >&2
echo "# $(date -u +%FT%TZ) $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/results.jsonl"
for state in $STATES; do
  for others in 0 "$((ACCOUNTS - 1))"; do
    for c in $CONCS; do
      for _ in $(seq 1 "$REPEAT"); do
        PORT=$((PORT + 1))
        file=":memory:"
        [ "$state" = file ] && { rm -rf "$DIR"/iam.db*; file="$DIR/iam.db"; }
        taskset -c "$SERVER_CPU" "$BIN" serve --listen "127.0.0.1:$PORT" --state "$file" >>"$OUT/server.log" 2>&1 &
        SPID=$!
        for _ in $(seq 1 100); do curl -s -o /dev/null -m 1 "http://127.0.0.1:$PORT/_localiam/health" && break; sleep 0.1; done
        [ "$others" -gt 0 ] && populate "http://127.0.0.1:$PORT" "$others" "$USERS"
        line=$(timeout 180 taskset -c "$CLIENT_CPU" "$IAMLOAD" run --endpoint "http://127.0.0.1:$PORT" \
          --op GetUser --concurrency "$c" --duration "$DUR" --warmup "$WARM" --population "$USERS" \
          --server-pid "$SPID" 2>>"$OUT/client.err")
        echo "$line" | sed "s|^{|{\"state\":\"$state\",\"accounts\":$((others + 1)),|" | tee -a "$OUT/results.jsonl"
        stop_server
      done
    done
  done
done
echo "# done $(date -u +%FT%TZ)" | tee -a "$OUT/results.jsonl"
