#!/usr/bin/env bash
# shellcheck disable=SC2031  # as_user exports only inside its subshell
# State survives a crash: start localiam with a SQLite --state file, create a
# user and an access key, kill -9 the server, start it again on the same file,
# and check the user and key are still there. Finally a SIGTERM must exit 0.
# Starts its own servers: run it directly, NOT under scripts/with-server:
#   compat/awscli/03-persistence.sh
set -euo pipefail
# shellcheck source=compat/awscli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BIN="$(localiam_bin)"
[[ -x "$BIN" ]] || fail "no localiam binary at $BIN (cargo build --release, or set LOCALIAM_BIN)"

tmpdir="$(mktemp -d "${TMPDIR:-/tmp}/localiam-persist.XXXXXX")"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$tmpdir"
}
trap cleanup EXIT

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL_IAM AWS_ENDPOINT_URL_STS

# start_server N: start localiam on a free port with the shared state file and
# point the CLI at it. Server output goes to $tmpdir/serverN.{out,err}.
start_server() {
    local n="$1" line="" url=""
    "$BIN" serve --listen 127.0.0.1:0 --state "$tmpdir/state.db" \
        >"$tmpdir/server$n.out" 2>"$tmpdir/server$n.err" &
    server_pid=$!
    for _ in $(seq 100); do
        if line="$(grep -m1 '^localiam listening on ' "$tmpdir/server$n.out" 2>/dev/null)"; then
            url="${line#localiam listening on }"
            break
        fi
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [[ -z "$url" ]]; then
        echo "--- server $n stderr ---" >&2
        tail -n 40 "$tmpdir/server$n.err" >&2 || true
        fail "server $n did not report a listening address within 10 s"
    fi
    export LOCALIAM_URL="$url" AWS_ENDPOINT_URL="$url"
    echo "    server $n (pid $server_pid) listening on $url"
}

step "first server on $tmpdir/state.db"
start_server 1
expect_ok aws iam create-user --user-name persistent-pat --path /keep/ --tags Key=team,Value=infra
query 'User.UserId' aws iam get-user --user-name persistent-pat
user_id="$OUT"
query 'AccessKey.[AccessKeyId,SecretAccessKey]' aws iam create-access-key --user-name persistent-pat
read -r key secret <<<"$OUT"
expect_ok aws iam create-group --group-name keepers
expect_ok aws iam add-user-to-group --group-name keepers --user-name persistent-pat
query 'Arn' as_user "$key" "$secret" aws sts get-caller-identity
expect_eq "arn:aws:iam::123456789012:user/keep/persistent-pat" "$OUT" "caller ARN before the crash"

step "kill -9 the server"
disown "$server_pid"   # no "Killed" job notice from bash
kill -KILL "$server_pid"
for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$server_pid" 2>/dev/null || fail "server survived kill -9"
server_pid=""
echo "    killed"

step "second server on the same state file"
start_server 2
query 'User.[UserId,Path]' aws iam get-user --user-name persistent-pat
expect_eq "$user_id	/keep/" "$OUT" "user survived"
query "Tags[?Key=='team'].Value" aws iam list-user-tags --user-name persistent-pat
expect_eq "infra" "$OUT" "tag survived"
query 'AccessKeyMetadata[].[AccessKeyId,Status]' aws iam list-access-keys --user-name persistent-pat
expect_eq "$key	Active" "$OUT" "access key survived"
query 'Groups[].GroupName' aws iam list-groups-for-user --user-name persistent-pat
expect_eq "keepers" "$OUT" "group membership survived"
query 'Arn' as_user "$key" "$secret" aws sts get-caller-identity
expect_eq "arn:aws:iam::123456789012:user/keep/persistent-pat" "$OUT" "key still signs after restart"
expect_error SignatureDoesNotMatch as_user "$key" "${secret%?????}wrong" aws sts get-caller-identity

step "SIGTERM shuts down cleanly with exit status 0"
kill -TERM "$server_pid"
# Watchdog: SIGKILL (exit 137) if it is still running after 10 s.
( sleep 10; kill -KILL "$server_pid" 2>/dev/null ) >/dev/null 2>&1 &
watchdog=$!
rc=0
wait "$server_pid" || rc=$?
kill "$watchdog" 2>/dev/null || true
[[ $rc -ne 137 ]] || fail "server still running 10 s after SIGTERM (killed)"
server_pid=""
expect_eq "0" "$rc" "exit status after SIGTERM"

finish
