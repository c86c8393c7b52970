#!/usr/bin/env bash
# Same answers from two builds of portshift: stdout, stderr and exit status of
# `diff`, and of `plan` and `ports` in every format (text, --json, --format
# markdown) at several offsets, and of `check`, `batch`, `batch --diff` and
# `status` in every format, for every corpus tree alone, for all of them in
# one call, and for the CLI test homes.
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
formats=("" "--json" "--format markdown")
# Every format of a command; word splitting of $cmd and $f is meant.
each_format() { # label, command, args...
  local label=$1 cmd=$2; shift 2
  for f in "${formats[@]}"; do
    # shellcheck disable=SC2086
    check "$cmd${f:+ $f} $label" $cmd $f "$@"
  done
}
for offset in 0 3 10; do
  for h in "${homes[@]}"; do
    check "diff --offset $offset ${h#"$top"/}" diff --offset "$offset" "$h"
    for cmd in plan ports; do
      each_format "--offset $offset ${h#"$top"/}" $cmd --offset "$offset" "$h"
    done
  done
  check "diff --offset $offset, all ${#homes[@]} homes in one call" diff --offset "$offset" "${homes[@]}"
  for cmd in plan ports; do
    each_format "--offset $offset, all ${#homes[@]} homes in one call" $cmd --offset "$offset" "${homes[@]}"
  done
done
for cmd in check batch status; do
  for h in "${homes[@]}"; do
    each_format "${h#"$top"/}" $cmd "$h"
  done
  each_format ", all ${#homes[@]} homes in one call" $cmd "${homes[@]}"
done
check "batch --diff, all ${#homes[@]} homes in one call" batch --diff "${homes[@]}"
echo "compare: $runs runs over ${#homes[@]} homes, $differ differ"
[ $differ -eq 0 ]
