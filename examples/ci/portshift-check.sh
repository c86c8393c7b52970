#!/bin/sh
# A CI step for any CI system: fails when the WSO2 config trees in the
# repository clash, hold stale self references, or are not at the port offsets
# they should have, so a pull request that changes an offset (or adds a
# product) must carry the files portshift would write.
#
#   portshift-check.sh HOME[=N]...     the homes of one host, as for portshift
#
# It runs `portshift check` on the homes as they are (clashes, stale and
# ambiguous references, start scripts that disagree) and `portshift diff` on
# the offsets asked for; each kind of failure has its own message.
#
# Environment:
#   PORTSHIFT            the portshift program (default: portshift on the PATH)
#   GITHUB_STEP_SUMMARY  appends the report here, as markdown: a status
#                        headline, the findings table, the diff collapsed
#   SUMMARY_FILE         the same when GITHUB_STEP_SUMMARY is not set
#                        (GitLab and others: an artifact)
#   PR_NUMBER            a pull request to post the report on as one comment,
#                        updated on the next run (pr-comment.sh, beside this
#                        script; needs gh, GH_TOKEN and GITHUB_REPOSITORY)
#
# Exit status: 0 no findings and every home at its offset; 1 findings or
# changes pending (the diff is on standard output: `patch -p1` takes it in this
# folder); 2 an error (portshift's message is on standard error).
set -u
portshift=${PORTSHIFT:-portshift}
here=$(dirname "$0")
[ $# -gt 0 ] || { echo "usage: $0 HOME[=N]..." >&2; exit 2; }
summary=${GITHUB_STEP_SUMMARY:-${SUMMARY_FILE:-}}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# check judges the homes as they are: it takes no offset, so HOME=N goes to
# it as HOME (a home whose name ends in =N is not a home with an offset
# only when N is not a number, as portshift reads it).
check() {
    for arg do
        home=$arg
        case $arg in *=*)
            case ${arg##*=} in '' | *[!0-9]*) ;; *) home=${arg%=*} ;; esac ;;
        esac
        set -- "$@" "$home"
        shift
    done
    "$portshift" check --format markdown "$@"
}

status=0
check "$@" >"$tmp/check.md" 2>"$tmp/check.err" || status=$?
[ "$status" -le 1 ] || { cat "$tmp/check.err" >&2; exit 2; }
status=0
"$portshift" diff "$@" >"$tmp/diff" || status=$?
[ "$status" -le 1 ] || exit 2
cat "$tmp/diff"

# The findings, counted by kind in the markdown table (its first column; the
# rows of a finding's other parties leave it empty, notes say `note`).
count() { grep -c "^| $1 | [0-9]* |" "$tmp/check.md"; }
clashes=$(count clash) stale=$(count stale)
others=$(($(count '[a-z][a-z]*') - $(count note) - clashes - stale))
plural() { [ "$1" -eq 1 ] && echo "$1 $2" || echo "$1 ${3:-$2s}"; }
failures=""
# fails WHAT ADVICE: a failure, in the headline and on the log with its advice.
fails() {
    failures=${failures:+$failures, }$1
    echo "portshift: $1$2" >&2
}
[ "$clashes" -eq 0 ] || fails "$(plural "$clashes" clash clashes)" \
    ": listeners of these homes open the same port; give the homes offsets apart ('portshift batch' finds some)"
[ "$stale" -eq 0 ] || fails "$(plural "$stale" "stale reference")" \
    ": run 'portshift apply --repair $*' and commit the result"
[ "$others" -eq 0 ] || fails "$(plural "$others" "other finding")" \
    " (ambiguous references, start scripts, running servers): see the report"
[ "$status" -ne 1 ] || fails "changes pending" ": run 'portshift apply $*' and commit the result"
if [ -n "$failures" ]; then
    headline="❌ $failures"
    # The findings on the log too (the rows of their parties follow them).
    grep "^| [a-z]* | [0-9]* |" "$tmp/check.md" | grep -v '^| note |' >&2
    status=1
else
    headline="✅ every home is at its offset; no clashes, no stale references"
    echo "portshift: every home is at its offset; no findings" >&2
fi

# The report: headline, check's tables, the diff in a collapsed block (cut to
# 40 kB: a pull-request comment holds 64 KiB; the step's log has it all).
{
    echo "## portshift: $headline"
    echo
    cat "$tmp/check.md"
    if [ -s "$tmp/diff" ]; then
        size=$(wc -c <"$tmp/diff")
        # A fence longer than any run of backticks in the diff.
        fence=$(awk '{ while (match($0, /`+/)) {
                if (RLENGTH > m) m = RLENGTH
                $0 = substr($0, RSTART + RLENGTH) } }
            END { for (n = (m < 3 ? 3 : m + 1); n > 0; n--) printf "`" }' "$tmp/diff")
        echo
        files=$(grep -c '^+++ ' "$tmp/diff")
        echo "<details><summary>The diff: $files files (<code>portshift apply $*</code> writes it)</summary>"
        echo
        echo "${fence}diff"
        if [ "$size" -gt 40000 ]; then
            head -c 40000 "$tmp/diff" | sed '$d'
            echo "$fence"
            echo
            echo "(cut at 40 kB of $size bytes: the step's log has the whole diff)"
        else
            cat "$tmp/diff"
            echo "$fence"
        fi
        echo
        echo "</details>"
    fi
} >"$tmp/report.md"

[ -z "$summary" ] || cat "$tmp/report.md" >>"$summary"
if [ -n "${PR_NUMBER:-}" ]; then
    # A comment is made when there is something to fix, and updated after.
    only_update=--update-only
    [ "$status" -eq 0 ] || only_update=""
    sh "$here/pr-comment.sh" $only_update "$tmp/report.md" ||
        echo "portshift: warning: the pull-request comment was not posted" >&2
fi
exit $status
