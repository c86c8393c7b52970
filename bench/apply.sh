#!/usr/bin/env bash
# apply beside diff over 10, 50, 200 and 1,000 copies of the corpus's
# wso2am-2.6.0 (issue 17), each run on fresh copies on the disk the build is
# on (not tmpfs: fsync must be real), with what the same files cost without
# portshift:
#   cat    one `cat` process over every file under the homes
#   floor  the disk's own fsync floor: bench/fsync_floor.c issuing as many
#          file and folder fsyncs as one apply does (counted with strace on
#          one apply, scaled per home), files the mean size apply writes
# Wall time and CPU (user+sys from wait4's rusage of the child, bench/timed.c)
# are medians of RUNS interleaved rounds: each round copies the homes afresh,
# syncs, then times diff, cat, apply and the floor in turn, so drift hits all.
# It ends with issue 17's done-when verdicts:
#   apply(50) wall <= 2.5x diff(50); if the floor alone is above 2.5x diff,
#     apply <= 1.2x (diff + floor) instead
#   apply(200) wall <= 4.6x apply(50)
#   diff CPU <= 1.4x cat CPU, at each count of 50 homes or more (at 10,
#     start-up dominates; shown, not judged)
# Exit 0: all judged PASS; 1: a FAIL or a run went wrong; 2: cannot run.
#
# usage: bench/apply.sh [BUILD_DIR] [COUNTS...]   (default: build, 10 50 200 1000)
#        RUNS=N (default 5) rounds per count
# needs: cc, strace, cp, find, cat, sync, awk, sort, stat, findmnt
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_setup "${1:-}" bench-apply strace cp find cat sync stat findmnt
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(10 50 200 1000)
runs=${RUNS:-5}
home=$corpus/wso2am-2.6.0
floor_bin=$scratch/fsync_floor
cc -std=c11 -O2 -o "$floor_bin" "$top/bench/fsync_floor.c"
# 1,000 homes name about 66,000 files on one cat command line.
ulimit -S -s unlimited 2>/dev/null || ulimit -S -s 65536 2>/dev/null || true

cd "$scratch"
max=$(largest "${counts[@]}")
copy_homes "$home" master "$max"
fresh() { # N: run/ holds fresh copies of the first N homes, on disk
  local src
  mapfile -t src < <(ids "$1" | sed 's|^|master/|')
  rm -rf run
  mkdir run
  cp -a "${src[@]}" run/
  sync
}

# How many fsyncs one apply issues, files and folders apart: strace on one
# apply of 50 homes (or the largest count below that), scaled per home. apply
# issues a step's fsyncs from several threads: a call strace shows cut in two
# ("<unfinished ...>", then its result) counts too.
probe=50
[ "$max" -lt 50 ] && probe=$max
fresh "$probe"
mapfile -t homes < <(ids "$probe" | sed 's|$|/wso2am-2.6.0|')
(cd run && strace -f -qq -y -e trace=fsync,fdatasync -o ../strace.log "$bin" apply --offset 3 "${homes[@]}" >/dev/null 2>&1) ||
  { echo "bench: apply of $probe homes under strace failed" >&2; exit 1; }
(cd run && "$bin" diff --offset 3 "${homes[@]}" >/dev/null 2>&1) ||
  { echo "bench: diff after apply still has changes" >&2; exit 1; }
fs_files=0 fs_dirs=0 bytes=0 written=0
while IFS= read -r p; do
  if [ -d "$p" ]; then
    fs_dirs=$((fs_dirs + 1))
  else
    fs_files=$((fs_files + 1))
    # A staged .NAME.portshift-XXXXXX was renamed onto NAME: its size.
    b=${p##*/}
    t=${p%/*}/${b#.}
    t=${t%.portshift-*}
    if [ "$t" != "${p%/*}/${b#.}" ] && [ -f "$t" ]; then
      bytes=$((bytes + $(stat -c %s "$t")))
      written=$((written + 1))
    fi
  fi
done < <(sed -n 's/^[0-9]* *f[a-z]*sync([0-9]*<\(.*\)>\() = 0\| <unfinished \.\.\.>\)$/\1/p' strace.log)
if [ "$fs_files" -eq 0 ] || [ "$fs_dirs" -eq 0 ]; then
  echo "bench: strace saw no file or no folder fsync in apply" >&2
  exit 1
fi
mean_bytes=$((written > 0 ? bytes / written : 4096))
echo "apply of $probe homes: $fs_files file fsyncs ($written of them files it wrote, mean $mean_bytes bytes), $fs_dirs folder fsyncs"
echo "rounds: $runs per count; numbers are medians"
echo

declare -A dw dc aw ac cw cc_ fw
for n in "${counts[@]}"; do
  mapfile -t homes < <(ids "$n" | sed 's|$|/wso2am-2.6.0|')
  mapfile -t all < <(cd master && find "${homes[@]}" -type f | sort)
  ff=$(((fs_files * n + probe - 1) / probe))
  fd=$(((fs_dirs * n + probe - 1) / probe))
  rm -f "t-$n-"*
  for _ in $(seq "$runs"); do
    fresh "$n"
    cd run
    timed_run "../t-$n-diff" 1 "$bin" diff --offset 3 "${homes[@]}"
    timed_run "../t-$n-cat" 0 cat "${all[@]}"
    timed_run "../t-$n-apply" 0 "$bin" apply --offset 3 "${homes[@]}"
    cd ..
    rm -rf floor && mkdir floor && sync
    timed_run "t-$n-floor" 0 "$floor_bin" floor "$ff" "$fd" "$mean_bytes"
  done
  dw[$n]=$(median "t-$n-diff" 1) dc[$n]=$(median "t-$n-diff" 23)
  aw[$n]=$(median "t-$n-apply" 1) ac[$n]=$(median "t-$n-apply" 23)
  cw[$n]=$(median "t-$n-cat" 1) cc_[$n]=$(median "t-$n-cat" 23)
  fw[$n]=$(median "t-$n-floor" 1)
  echo "$n homes: ${#all[@]} files; floor: $ff file + $fd folder fsyncs"
done
echo

echo "seconds         diff          apply         cat           floor    apply/  apply/       diff cpu/"
printf '%6s  %6s %6s  %6s %6s  %6s %6s  %6s  %6s  %11s  %9s\n' homes wall cpu wall cpu wall cpu wall diff "(diff+floor)" "cat cpu"
for n in "${counts[@]}"; do
  printf '%6s  %6.3f %6.3f  %6.3f %6.3f  %6.3f %6.3f  %6.3f  %6s  %11s  %9s\n' "$n" \
    "${dw[$n]}" "${dc[$n]}" "${aw[$n]}" "${ac[$n]}" "${cw[$n]}" "${cc_[$n]}" "${fw[$n]}" \
    "$(ratio "${aw[$n]}" "${dw[$n]}")" "$(ratio "${aw[$n]}" "$(awk -v a="${dw[$n]}" -v b="${fw[$n]}" 'BEGIN { print a + b }')")" \
    "$(ratio "${dc[$n]}" "${cc_[$n]}")"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

failed=0
judge() { # label value limit
  local v
  v=$(verdict "$2" "$3")
  printf '%s  %s (%sx, limit %sx)\n' "$v" "$1" "$(ratio "$2" 1)" "$3"
  [ "$v" = PASS ] || failed=1
}
echo "issue 17, done when:"
if [ -n "${aw[50]:-}" ]; then
  if [ "$(verdict "${fw[50]}" "$(awk -v d="${dw[50]}" 'BEGIN { print 2.5 * d }')")" = PASS ]; then
    judge "apply(50) wall over diff(50) wall" "$(ratio "${aw[50]}" "${dw[50]}")" 2.5
  else
    echo "      the fsync floor of 50 homes (${fw[50]} s) alone is above 2.5x diff (${dw[50]} s):"
    judge "apply(50) wall over diff(50) + floor(50)" \
      "$(ratio "${aw[50]}" "$(awk -v a="${dw[50]}" -v b="${fw[50]}" 'BEGIN { print a + b }')")" 1.2
  fi
else
  echo "n/a   apply(50) over diff(50): 50 homes not measured"
fi
if [ -n "${aw[50]:-}" ] && [ -n "${aw[200]:-}" ]; then
  judge "apply(200) wall over apply(50) wall" "$(ratio "${aw[200]}" "${aw[50]}")" 4.6
else
  echo "n/a   apply(200) over apply(50): 50 and 200 homes not both measured"
fi
judged=0
for n in "${counts[@]}"; do
  [ "$n" -ge 50 ] || continue
  judged=1
  judge "diff CPU over cat CPU, $n homes" "$(ratio "${dc[$n]}" "${cc_[$n]}")" 1.4
done
[ $judged = 1 ] || echo "n/a   diff CPU over cat CPU: no count of 50 homes or more measured"
exit $failed
