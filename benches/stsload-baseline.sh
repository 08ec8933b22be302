#!/usr/bin/env bash
# One fresh server per (server, op, concurrency) cell; server on core 0, client on core 1.
set -u
# Override the tool paths with STSLOAD, IAMLOAD, LOCALIAM and MOTO; results go to ./results.jsonl.
STSLOAD=${STSLOAD:-${CARGO_TARGET_DIR:-target}/release/examples/stsload}
IAMLOAD=${IAMLOAD:-/work/target-iamload/release/iamload}
LOCALIAM=${LOCALIAM:-${CARGO_TARGET_DIR:-target}/release/localiam}
MOTO=${MOTO:-moto_server}
port=21400
for server in localiam moto; do
  for op in assume-role caller-identity-temp caller-identity-long; do
    for c in 1 16; do
      port=$((port+1))
      if [ $server = localiam ]; then
        taskset -c 0 "$LOCALIAM" serve --listen 127.0.0.1:$port >/dev/null 2>server.log & pid=$!
      else
        taskset -c 0 "$MOTO" -H 127.0.0.1 -p $port >/dev/null 2>&1 & pid=$!
      fi
      for i in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:$port/ && break; sleep 0.1; done
      if [ $op = caller-identity-long ]; then
        line=$(taskset -c 1 $IAMLOAD run --endpoint http://127.0.0.1:$port --op GetCallerIdentity --concurrency $c --duration 10 --warmup 2 --server-pid $pid)
      else
        line=$(taskset -c 1 $STSLOAD --endpoint http://127.0.0.1:$port --op $op --concurrency $c --duration 10 --warmup 2 --server-pid $pid)
      fi
      echo "{\"server\":\"$server\",\"result\":$line}" | tee -a results.jsonl
      kill $pid; wait $pid 2>/dev/null
      sleep 1
    done
  done
done
