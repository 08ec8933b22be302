#!/usr/bin/env python3
"""Start-to-ready time and idle RSS of localiam binaries.

Usage: python3 benches/startup.py [--runs N] LABEL=BINARY [LABEL=BINARY ...]

Per run: spawn `BINARY serve --listen 127.0.0.1:0` (in-memory state), time until the
`localiam listening on` line and until GET /_localiam/health answers 200, read VmRSS from
/proc/PID/status at ready and after 1 s idle, then SIGTERM. Prints one Markdown row per binary.
"""

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def healthy(host, port):
    try:
        conn = http.client.HTTPConnection(host, port, timeout=1)
        conn.request("GET", "/_localiam/health")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def one_run(binary):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOCALIAM_")}
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env, text=True)
    try:
        line = proc.stdout.readline()
        t_listen = time.perf_counter() - t0
        host, port = line.strip().rsplit("http://", 1)[1].rsplit(":", 1)
        while not healthy(host, int(port)):
            time.sleep(0.0005)
        t_health = time.perf_counter() - t0
        rss_ready = rss_kib(proc.pid)
        time.sleep(1)
        rss_idle = rss_kib(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    return t_listen * 1000, t_health * 1000, rss_ready / 1024, rss_idle / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("binaries", nargs="+", metavar="LABEL=BINARY")
    args = ap.parse_args()
    print("| build | binary MiB | listening line, median (min) ms | health 200, median (min) ms "
          "| RSS at ready MiB | RSS after 1 s idle MiB |")
    print("| --- | --- | --- | --- | --- | --- |")
    for spec in args.binaries:
        label, binary = spec.split("=", 1)
        one_run(binary)  # warm the page cache; not counted
        runs = [one_run(binary) for _ in range(args.runs)]
        listen, health, ready, idle = zip(*runs)
        size = os.path.getsize(binary) / 1048576
        print(f"| {label} | {size:.1f} | {statistics.median(listen):.1f} ({min(listen):.1f}) "
              f"| {statistics.median(health):.1f} ({min(health):.1f}) "
              f"| {statistics.median(ready):.1f} | {statistics.median(idle):.1f} |")


if __name__ == "__main__":
    main()
