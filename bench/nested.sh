#!/usr/bin/env bash
# Nested folders (issue 17): `portshift diff --offset 3` on a copy of the
# corpus's wso2am-2.6.0 whose repository/conf/ (a folder portshift walks)
# also holds a chain of folders DEPTH deep with one config file at the
# bottom, at depths 100, 200, 400, 800 and 1,600, beside the same home with no
# chain (depth 0: the fixed cost). Walking the chain is linear work; time that
# grows faster than the depth is the walk re-resolving full paths. Wall time
# and CPU (user+sys, from wait4's rusage: bench/timed.c) are medians of RUNS
# interleaved rounds (every depth once a round).
# It ends with issue 17's done-when verdict: doubling the depth costs at most
# 2.2x the wall time, at every doubling measured.
# Exit 0: PASS; 1: FAIL or a run went wrong; 2: cannot run.
#
# usage: bench/nested.sh [BUILD_DIR] [DEPTHS...]   (default: build, 100 200 400 800 1600)
#        RUNS=N (default 11) rounds
# needs: cc, cp, mkdir, awk, sort, stat, findmnt
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_setup "${1:-}" bench-nested cp mkdir stat findmnt
shift || true
depths=("$@")
[ ${#depths[@]} -gt 0 ] || depths=(100 200 400 800 1600)
runs=${RUNS:-11}

cd "$scratch"
for d in 0 "${depths[@]}"; do
  mkdir "$d"
  cp -a "$corpus/wso2am-2.6.0" "$d/"
  [ "$d" -gt 0 ] || continue
  # Built relative to conf/ so mkdir never sees a path longer than the chain.
  chain=$(printf 'd/%.0s' $(seq "$d"))
  (cd "$d/wso2am-2.6.0/repository/conf" && mkdir -p "$chain" && echo '<deep/>' >"${chain}deep.xml")
done
# The chain is walked to the bottom: with a FIFO in place of the deep file,
# diff refuses the home (exit 2). Not matched by name: an error keeps only
# the first 1,023 bytes of a path.
deep=$(find "${depths[-1]}" -name deep.xml)
mv "$deep" "$deep.keep" && mkfifo "$deep"
st=0
"$bin" diff --offset 3 "${depths[-1]}/wso2am-2.6.0" >/dev/null 2>err-fifo || st=$?
if [ $st -ne 2 ] || ! grep -q 'not a regular file' err-fifo; then
  echo "bench: diff does not reach the bottom of the chain (exit $st)" >&2
  exit 1
fi
rm "$deep" && mv "$deep.keep" "$deep"
# Every home has edits pending (exit 1), and no path is too long for this
# build folder.
for d in 0 "${depths[@]}"; do
  st=0
  "$bin" diff --offset 3 "$d/wso2am-2.6.0" >/dev/null 2>"err-$d" || st=$?
  [ $st -eq 1 ] || { echo "bench: diff at depth $d: exit $st: $(head -c 300 "err-$d")" >&2; exit 1; }
done
echo "rounds: $runs; numbers are medians"
echo

for _ in $(seq "$runs"); do
  for d in 0 "${depths[@]}"; do
    timed_run "t-$d" 1 "$bin" diff --offset 3 "$d/wso2am-2.6.0"
  done
done

failed=0
printf '%6s  %8s %8s  %9s\n' depth "wall s" "cpu s" "x wall of"
prev=
for d in 0 "${depths[@]}"; do
  w=$(median "t-$d" 1)
  c=$(median "t-$d" 23)
  step=
  if [ -n "$prev" ] && [ "$d" -eq $((2 * prev)) ]; then
    step="$(ratio "$w" "$(median "t-$prev" 1)")x $prev"
  fi
  printf '%6s  %8.4f %8.4f  %9s\n' "$d" "$w" "$c" "$step"
  [ "$d" -eq 0 ] || prev=$d
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

echo "issue 17, done when:"
worst=
judged=0
prev=
for d in "${depths[@]}"; do
  if [ -n "$prev" ] && [ "$d" -eq $((2 * prev)) ]; then
    r=$(ratio "$(median "t-$d" 1)" "$(median "t-$prev" 1)")
    judged=1
    if [ -z "$worst" ] || [ "$(verdict "$worst" "$r")" = PASS ]; then worst=$r; fi
  fi
  prev=$d
done
if [ $judged = 1 ]; then
  v=$(verdict "$worst" 2.2)
  echo "$v  doubling the folder depth: at most ${worst}x the wall time (limit 2.2x)"
  [ "$v" = PASS ] || failed=1
else
  echo "n/a   doubling the folder depth: no two depths a doubling apart"
fi
exit $failed
