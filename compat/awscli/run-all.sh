#!/usr/bin/env bash
# Run every compat/awscli/[0-9]*.sh, each against a fresh server: 03-persistence.sh
# starts its own, the others run under scripts/with-server. The last line is
# "N passed, N failed"; the exit status is non-zero if any script failed.
#   compat/awscli/run-all.sh            (after scripts/setup-python and cargo build --release)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

"$root/scripts/setup-python" || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
failed_names=()
for script in "$here"/[0-9]*.sh; do
    name="$(basename "$script")"
    echo "=== $name"
    start=$SECONDS
    if [[ "$name" == 03-persistence.sh ]]; then
        bash "$script"
    else
        "$root/scripts/with-server" bash "$script"
    fi
    rc=$?
    if [[ $rc -eq 0 ]]; then
        passed=$((passed + 1))
        echo "=== $name: passed ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1))
        failed_names+=("$name")
        echo "=== $name: FAILED (exit $rc, $((SECONDS - start)) s)"
    fi
done

if [[ $failed -gt 0 ]]; then
    echo "failed: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
