#!/usr/bin/env bash
# CTest's fuzz.<target>: the target's entry point built as an ordinary program
# (replay.c, the normal compiler, whatever sanitizer the build has) run over
# the target's seeds (seeds.sh, made in a scratch folder) and its shipped
# regressions (tests/fuzz/regressions/<target>/, findings of run.sh, each
# named for its bug). A harness that no longer matches the code fails here.
#   tests/fuzz/replay.sh TARGET REPLAY_PROGRAM
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${1:?usage: replay.sh TARGET REPLAY_PROGRAM}
program=${2:?usage: replay.sh TARGET REPLAY_PROGRAM}
seeds=$(mktemp -d "${TMPDIR:-/tmp}/portshift-seeds.XXXXXX")
"$here/seeds.sh" "$target" "$seeds"
inputs=("$seeds")
[ -d "$here/regressions/$target" ] && inputs+=("$here/regressions/$target")
status=0
"$program" "${inputs[@]}" || status=$?
if [ "$status" -eq 0 ]; then
  rm -rf "$seeds"
else
  echo "replay.sh: $target failed (exit $status); its seeds are kept in $seeds" >&2
fi
exit "$status"
