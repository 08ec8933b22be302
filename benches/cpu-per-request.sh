#!/usr/bin/env bash
# One cell: a fresh server pinned to core 0 (its state in memory or a file), iamload pinned to core 1,
# and the server's CPU time (utime + stime from /proc) per request over the whole run.
# Usage: benches/cpu-per-request.sh BINARY memory|file [OP] [CONCURRENCY] [SECONDS]
# Env: IAMLOAD (default /work/target-iamload/release/iamload).
B=$1; STATE=$2; OP=${3:-GetUser}; C=${4:-16}; DUR=${5:-6}
PORT=$((23200 + RANDOM % 500)); D=$(mktemp -d)
f=":memory:"; [ "$STATE" = file ] && f="$D/iam.db"
taskset -c 0 "$B" serve --listen 127.0.0.1:$PORT --state "$f" >/dev/null 2>&1 & SP=$!
for i in $(seq 1 100); do curl -s -o /dev/null -m 1 http://127.0.0.1:$PORT/_localiam/health && break; sleep 0.1; done
tick=$(getconf CLK_TCK)
read -r u0 s0 < <(awk '{print $14, $15}' /proc/$SP/stat)
out=$(taskset -c 1 ${IAMLOAD:-/work/target-iamload/release/iamload} run --endpoint http://127.0.0.1:$PORT --op $OP --concurrency $C --duration $DUR --warmup 1 2>/dev/null | tail -1)
read -r u1 s1 < <(awk '{print $14, $15}' /proc/$SP/stat)
kill -TERM $SP; wait $SP 2>/dev/null; rm -rf "$D"
python3 - "$out" $u0 $s0 $u1 $s1 $tick "$B" "$STATE" <<'PY'
import json,sys
o=json.loads(sys.argv[1]); u0,s0,u1,s1,tick=map(int,sys.argv[2:7])
n=o["requests"]+o["warmup_requests"]
cpu=(u1-u0+s1-s0)/tick
print(f'{sys.argv[7].split("/")[-1]:20s} {sys.argv[8]:6s} rps={o["rps"]:9.0f} cpu_us/req={cpu*1e6/n:6.2f} (user {(u1-u0)/tick*1e6/n:5.2f} sys {(s1-s0)/tick*1e6/n:5.2f}) p99={o["p99_us"]} err={o["errors"]}')
PY
