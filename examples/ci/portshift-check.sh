#!/bin/sh
# A CI step for any CI system: fails when the WSO2 config trees in the
# repository are not at the port offsets they should have, so a pull request
# that changes an offset (or adds a product) must carry the files portshift
# would write.
#
#   portshift-check.sh HOME[=N]...     the homes of one host, as for portshift
#
# Environment:
#   PORTSHIFT     the portshift program (default: portshift on the PATH)
#   SUMMARY_FILE  a file to append the plan to, as markdown (GitHub Actions:
#                 $GITHUB_STEP_SUMMARY; GitLab and others: an artifact)
#
# Exit status: 0 the trees are at their offsets; 1 changes are pending (the
# diff is on standard output: `patch -p1` takes it in this folder); 2 an error
# (portshift's message is on standard error).
set -u
portshift=${PORTSHIFT:-portshift}
[ $# -gt 0 ] || { echo "usage: $0 HOME[=N]..." >&2; exit 2; }

if [ -n "${SUMMARY_FILE:-}" ]; then
    # The text plan in a code block. (When portshift has `plan --format
    # markdown`, print that instead: a table of the edits.)
    plan=$("$portshift" plan "$@") || exit 2
    {
        echo "### portshift plan"
        echo
        echo '```'
        printf '%s\n' "$plan"
        echo '```'
    } >>"$SUMMARY_FILE"
fi

status=0
"$portshift" diff "$@" || status=$?
case $status in
0) echo "portshift: every home is at its offset" >&2 ;;
1) echo "portshift: changes pending: run 'portshift apply $*' and commit the result" >&2 ;;
*) status=2 ;;
esac
exit $status
