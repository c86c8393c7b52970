#!/usr/bin/env bash
# Same answers from two builds of portshift: stdout, stderr and exit status of
# `diff`, `plan --json` and `ports --json` at several offsets (and `check
# --json`), for every corpus tree alone, for all of them in one call, and for
# the CLI test homes.
# A change meant only to make portshift faster must print nothing here.
#
# usage: bench/compare.sh OLD_BINARY NEW_BINARY
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: $0 OLD_BINARY NEW_BINARY" >&2; exit 2; }
old=$(realpath "$1") new=$(realpath "$2")
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=$(cd "$top/../shared/corpus" 2>/dev/null && pwd) || { echo "compare: no corpus" >&2; exit 2; }
homes=()
for t in "$corpus"/wso2* "$corpus"/variants/wso2* "$top"/tests/fixtures/cli/*; do
  [ -d "$t" ] && homes+=("$t")
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$corpus" # diff names files relative to the current folder: the same for both
runs=0 differ=0
check() { # label, args...
  local label=$1; shift
  "$old" "$@" >"$out/o.out" 2>"$out/o.err"; local so=$?
  "$new" "$@" >"$out/n.out" 2>"$out/n.err"; local sn=$?
  runs=$((runs + 1))
  if [ $so -ne $sn ] || ! cmp -s "$out/o.out" "$out/n.out" || ! cmp -s "$out/o.err" "$out/n.err"; then
    differ=$((differ + 1))
    echo "DIFFERS: $label (exit $so vs $sn)"
    diff "$out/o.out" "$out/n.out" | head -5
    diff "$out/o.err" "$out/n.err" | head -5
  fi
}
for offset in 0 3 10; do
  for h in "${homes[@]}"; do
    for cmd in diff "plan --json" "ports --json"; do
      check "$cmd --offset $offset ${h#"$top"/}" $cmd --offset "$offset" "$h"
    done
  done
  for cmd in diff "plan --json" "ports --json"; do
    check "$cmd --offset $offset, all ${#homes[@]} homes in one call" $cmd --offset "$offset" "${homes[@]}"
  done
done
for h in "${homes[@]}"; do
  check "check --json ${h#"$top"/}" check --json "$h"
done
check "check --json, all ${#homes[@]} homes in one call" check --json "${homes[@]}"
echo "compare: $runs runs over ${#homes[@]} homes, $differ differ"
[ $differ -eq 0 ]
