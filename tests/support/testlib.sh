# Shell helpers for the tests that drive installed files and outside tools
# (tests/package, tests/examples). Source it; every script runs under
# `set -euo pipefail` and CTest maps exit 77 to "skipped".

# The test failed: says why (one line) and exits 1.
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# The test cannot run here (a tool or the corpus is missing): says so, exits 77.
skip() {
    echo "SKIPPED: $*"
    exit 77
}

# A scratch folder, removed when the script exits; its path in $scratch.
make_scratch() {
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/portshift-test.XXXXXX")
    trap 'rm -rf "$scratch"' EXIT
}

# Runs a command, keeping its exit status in $status, its output in $out and
# its errors in $err (the script does not stop on a non-zero status).
capture() {
    local o e
    o=$(mktemp) e=$(mktemp)
    status=0
    "$@" >"$o" 2>"$e" || status=$?
    out=$(cat "$o") err=$(cat "$e")
    rm -f "$o" "$e"
}

# expect_status N WHAT: the last capture exited N.
expect_status() {
    [ "$status" -eq "$1" ] || fail "$2: exit status $status, not $1; stderr: $err"
}

# The commands and long options that `portshift -h` prints, one per line as
# "COMMAND OPTION" (a command with no option prints "COMMAND"); fails when it
# finds no command, so a changed synopsis cannot make a check vacuous.
usage_words() {
    local binary=$1 lines
    lines=$("$binary" -h | grep -oE 'portshift +[a-z]+ .*' || true)
    [ -n "$lines" ] || fail "'$binary -h' names no command"
    while read -r _ cmd rest; do
        echo "$cmd"
        grep -oE -- '--[a-z][a-z-]*' <<<"$rest" | sed "s/^/$cmd /" || true
    done <<<"$lines"
}

# expect_completion WANT WORD...: a shell's completion offers WANT for the last
# word of `portshift WORD...`, as the calling script's `candidates WORD...`
# prints them (sorted, space-separated); $shell names the shell in the message.
expect_completion() {
    local want=$1
    shift
    local got
    got=$(candidates "$@")
    [ "$got" = "$want" ] || fail "${shell:-bash}: portshift $*<TAB>: got '$got', want '$want'"
}
