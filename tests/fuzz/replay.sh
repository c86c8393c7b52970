#!/usr/bin/env bash
# CTest's fuzz.<target>: the target's entry point built as an ordinary program
# (replay.c, the normal compiler, whatever sanitizer the build has) run over
# the target's seeds (seeds.sh, made in a scratch folder) and its shipped
# regressions (tests/fuzz/regressions/<target>/, findings of run.sh, each
# named for its bug). A harness that no longer matches the code fails here.
# The recovery target runs as nobody when root (unpriv.sh).
#   tests/fuzz/replay.sh TARGET REPLAY_PROGRAM
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${1:?usage: replay.sh TARGET REPLAY_PROGRAM}
program=${2:?usage: replay.sh TARGET REPLAY_PROGRAM}
if [ "$target" = recovery ]; then
  # As nobody when root (unpriv.sh), from copies in a folder of its own.
  # shellcheck source=tests/fuzz/unpriv.sh
  . "$here/unpriv.sh"
  unpriv_box replay
  seeds=$box/seeds
  mkdir "$seeds"
  cp "$program" "$box/replay"
  "$here/seeds.sh" "$target" "$seeds" "$box/replay"
  inputs=("$seeds")
  if [ -d "$here/regressions/$target" ]; then
    cp -r "$here/regressions/$target" "$box/regressions"
    inputs+=("$box/regressions")
  fi
  unpriv_give "$box"
  status=0
  unpriv "$box/replay" "${inputs[@]}" || status=$?
  if [ "$status" -eq 0 ]; then
    rm -rf "$box"
  else
    echo "replay.sh: $target failed (exit $status); its inputs are kept in $box" >&2
  fi
  exit "$status"
fi
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
