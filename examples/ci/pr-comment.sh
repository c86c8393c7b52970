#!/bin/sh
# Posts a report as portshift's one comment on a GitHub pull request, or
# updates that comment when an earlier run made it, so a pull request carries
# one comment however often the check runs.
#
#   pr-comment.sh [--update-only] BODY_FILE
#
# --update-only: update the comment if there is one, else post nothing (a
# clean run does not start a conversation).
#
# Environment: PR_NUMBER, GITHUB_REPOSITORY (owner/name; set by GitHub
# Actions), and what gh needs (GH_TOKEN with pull-requests: write).
# The comment is found by a marker on its first line.
set -eu
marker="<!-- portshift-check -->"
only_update=""
[ "${1:-}" != --update-only ] || { only_update=1; shift; }
[ $# -eq 1 ] || { echo "usage: $0 [--update-only] BODY_FILE" >&2; exit 2; }
: "${PR_NUMBER:?the pull request}" "${GITHUB_REPOSITORY:?owner/name of the repository}"
body=$(mktemp) ids=$(mktemp)
trap 'rm -f "$body" "$ids"' EXIT
{ echo "$marker"; cat "$1"; } >"$body"

repo=repos/$GITHUB_REPOSITORY
gh api --paginate "$repo/issues/$PR_NUMBER/comments" \
    --jq ".[] | select(.body | startswith(\"$marker\")) | .id" >"$ids"
id=$(head -n 1 "$ids")
if [ -n "$id" ]; then
    gh api --method PATCH "$repo/issues/comments/$id" -F "body=@$body" >/dev/null
elif [ -z "$only_update" ]; then
    gh api --method POST "$repo/issues/$PR_NUMBER/comments" -F "body=@$body" >/dev/null
fi
