# shellcheck shell=bash disable=SC2001
# Helpers for the compat/awscli end-to-end scripts. Source it; do not run it.
#
#   step "text"                 print a step header
#   expect_ok CMD...            CMD must succeed; its stdout+stderr lands in $OUT
#   expect_error CODE CMD...    CMD must fail with AWS error code CODE; output in $OUT
#   query EXPR CMD...           like expect_ok, appending `--query EXPR --output text`
#   jp EXPR                     JMESPath over the JSON in $OUT, printed as text
#                               (lists one item a line, null as nothing)
#   expect_eq WANT GOT WHAT     compare two strings
#   expect_contains HAY NEEDLE WHAT
#   as_user KEY SECRET CMD...   run CMD signed with another identity's keys
#   require_server              fail unless running under scripts/with-server
#   finish                      print the summary line (call last)
#
# `aws` is the pinned v1 CLI from .venv/bin (scripts/setup-python installs it).

COMPAT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SCRIPT_NAME="$(basename "$0")"
CHECKS=0
OUT=""

if [[ ! -x "$COMPAT_ROOT/.venv/bin/aws" ]]; then
    echo "FAIL $SCRIPT_NAME: $COMPAT_ROOT/.venv/bin/aws missing; run scripts/setup-python" >&2
    exit 1
fi
export PATH="$COMPAT_ROOT/.venv/bin:$PATH"
# The CLI must never prompt, page, or read a developer's own profile.
export AWS_PAGER=""
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_CONFIG_FILE="${AWS_CONFIG_FILE:-/dev/null}"
export AWS_SHARED_CREDENTIALS_FILE="${AWS_SHARED_CREDENTIALS_FILE:-/dev/null}"
export AWS_MAX_ATTEMPTS=1
export AWS_RETRY_MODE=standard
export AWS_EC2_METADATA_DISABLED=true

step() {
    echo "--- $*"
}

fail() {
    echo "FAIL $SCRIPT_NAME: $*" >&2
    exit 1
}

_show_cmd() {
    local out="" a
    for a in "$@"; do out+=" $(printf '%q' "$a")"; done
    echo "${out# }"
}

expect_ok() {
    local rc=0
    OUT="$("$@" 2>&1)" || rc=$?
    if [[ $rc -ne 0 ]]; then
        {
            echo "FAIL $SCRIPT_NAME: expected success (exit $rc) from:"
            echo "  \$ $(_show_cmd "$@")"
            echo "$OUT" | sed 's/^/  | /'
        } >&2
        exit 1
    fi
    CHECKS=$((CHECKS + 1))
    echo "    ok: $(_show_cmd "$@")"
}

expect_error() {
    local code="$1" rc=0
    shift
    OUT="$("$@" 2>&1)" || rc=$?
    if [[ $rc -eq 0 || "$OUT" != *"An error occurred ($code)"* ]]; then
        {
            echo "FAIL $SCRIPT_NAME: expected error $code, got exit $rc from:"
            echo "  \$ $(_show_cmd "$@")"
            echo "$OUT" | sed 's/^/  | /'
        } >&2
        exit 1
    fi
    CHECKS=$((CHECKS + 1))
    echo "    ok ($code): $(_show_cmd "$@")"
}

query() {
    local expr="$1"
    shift
    expect_ok "$@" --query "$expr" --output text
}

# Paginated CLI output with --query/--output text is applied page by page
# (a --max-items NextToken even comes out as "None" then the token), so for
# paginated commands take --output json and pick fields with jp.
jp() {
    printf '%s' "$OUT" | python -c '
import json, sys, jmespath
v = jmespath.search(sys.argv[1], json.load(sys.stdin))
if v is None:
    pass
elif isinstance(v, list):
    print("\n".join(str(x) for x in v))
elif isinstance(v, bool):
    print("True" if v else "False")
else:
    print(v)
' "$1"
}

expect_eq() {
    local want="$1" got="$2" what="${3:-value}"
    if [[ "$want" != "$got" ]]; then
        {
            echo "FAIL $SCRIPT_NAME: $what"
            echo "  want: $want"
            echo "  got:  $got"
        } >&2
        exit 1
    fi
    CHECKS=$((CHECKS + 1))
    echo "    ok: $what = $got"
}

expect_contains() {
    local hay="$1" needle="$2" what="${3:-output}"
    if [[ "$hay" != *"$needle"* ]]; then
        {
            echo "FAIL $SCRIPT_NAME: $what does not contain: $needle"
            echo "$hay" | sed 's/^/  | /'
        } >&2
        exit 1
    fi
    CHECKS=$((CHECKS + 1))
    echo "    ok: $what contains $needle"
}

expect_match() {
    local got="$1" re="$2" what="${3:-value}"
    if ! [[ "$got" =~ $re ]]; then
        {
            echo "FAIL $SCRIPT_NAME: $what does not match /$re/"
            echo "  got: $got"
        } >&2
        exit 1
    fi
    CHECKS=$((CHECKS + 1))
    echo "    ok: $what ~ /$re/"
}

as_user() {
    local key="$1" secret="$2"
    shift 2
    (
        export AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret"
        unset AWS_SESSION_TOKEN
        "$@"
    )
}

require_server() {
    if [[ -z "${LOCALIAM_URL:-}" || -z "${AWS_ENDPOINT_URL:-}" ]]; then
        fail "LOCALIAM_URL/AWS_ENDPOINT_URL not set; run under scripts/with-server"
    fi
    echo "$SCRIPT_NAME against $LOCALIAM_URL"
}

finish() {
    echo "PASS $SCRIPT_NAME: $CHECKS checks passed"
}

# Binary used by scripts that start their own server (03-persistence.sh).
localiam_bin() {
    local bin="${LOCALIAM_BIN:-${CARGO_TARGET_DIR:-target}/release/localiam}"
    [[ "$bin" == /* ]] || bin="$COMPAT_ROOT/$bin"
    echo "$bin"
}

# --- Added for 04-policies.sh, 05-enforcement.sh, 06-roles-sts.sh ---
#   expect_fail CMD...          CMD must fail with some AWS error (any code); the code lands in $ERR_CODE
#   as_session KEY SECRET TOKEN CMD...   run CMD signed with temporary (STS) credentials
#   totp_step                   the current RFC 6238 time step (30 s)
#   totp SEED_BASE32 STEP       the 6-digit TOTP code (SHA-1) for time step STEP
#   wait_for_step STEP          sleep until the current time step is at least STEP

ERR_CODE=""

expect_fail() {
    local rc=0
    OUT="$("$@" 2>&1)" || rc=$?
    if [[ $rc -eq 0 || "$OUT" != *"An error occurred ("* ]]; then
        {
            echo "FAIL $SCRIPT_NAME: expected an AWS error, got exit $rc from:"
            echo "  \$ $(_show_cmd "$@")"
            echo "$OUT" | sed 's/^/  | /'
        } >&2
        exit 1
    fi
    ERR_CODE="$(sed -n 's/.*An error occurred (\([^)]*\)).*/\1/p' <<<"$OUT" | head -n1)"
    CHECKS=$((CHECKS + 1))
    echo "    ok ($ERR_CODE): $(_show_cmd "$@")"
}

as_session() {
    local key="$1" secret="$2" token="$3"
    shift 3
    AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret" AWS_SESSION_TOKEN="$token" "$@"
}

totp_step() {
    echo $(($(date +%s) / 30))
}

totp() {
    python - "$1" "$2" <<'PY'
import base64, hashlib, hmac, struct, sys
seed, step = sys.argv[1].strip(), int(sys.argv[2])
key = base64.b32decode(seed + "=" * (-len(seed) % 8), casefold=True)
mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
off = mac[-1] & 0x0F
code = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000
print(f"{code:06d}")
PY
}

wait_for_step() {
    local want="$1" now
    now="$(date +%s)"
    while (( now / 30 < want )); do
        sleep $(( want * 30 - now ))
        now="$(date +%s)"
    done
}
