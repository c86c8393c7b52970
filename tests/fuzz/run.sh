#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer, AddressSanitizer with leak
# checks, UndefinedBehaviorSanitizer) and runs each for SECONDS (default 60),
# one after the other, each in a single process:
#   pipeline  tests/fuzz/fuzz_pipeline.c: a home built from the input, through
#             detect, load, sites, plan, render and diff
#   parsers   tests/fuzz/fuzz_parsers.c: the XML, TOML, .properties and
#             reference scanners
# each starting from its seeds (seeds.sh) and its regressions
# (tests/fuzz/regressions/<target>/), which CTest replays too (replay.sh).
#
#   tests/fuzz/run.sh [SECONDS] [pipeline|parsers]...     (default: both)
#
# Everything goes to $PORTSHIFT_FUZZ_DIR (default ${TMPDIR:-/tmp}/portshift-fuzz),
# outside the source tree: the build, a corpus per target kept from run to run,
# and artifacts/<target>/ with the inputs that crashed, leaked or timed out.
# Needs: clang, libclang-rt-14-dev (Debian), libxml2-dev, cmake.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pipeline parsers)
work=${PORTSHIFT_FUZZ_DIR:-${TMPDIR:-/tmp}/portshift-fuzz}
mkdir -p "$work"
work=$(cd "$work" && pwd)
case "$work/" in
"$top"/*) echo "run.sh: $work is inside the source tree" >&2; exit 2 ;;
esac

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cmake -S "$top" -B "$work/build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DBUILD_TESTING=OFF -DCMAKE_C_FLAGS="-O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $san" >/dev/null
cmake --build "$work/build" --target portshift_core -j2 >/dev/null
for t in "${targets[@]}"; do
  support=()
  [ "$t" = pipeline ] && support=("$top/tests/support/tree.c")
  # shellcheck disable=SC2046,SC2086
  clang -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -fsanitize=fuzzer $san \
    -I"$top/src" -I"$top/include" $(pkg-config --cflags libxml-2.0) "$top/tests/fuzz/fuzz_$t.c" \
    "${support[@]}" "$work/build/libportshift_core.a" $(pkg-config --libs libxml-2.0) -o "$work/fuzz_$t"
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for t in "${targets[@]}"; do
  "$top/tests/fuzz/seeds.sh" "$t" "$work/seeds/$t"
  mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
  opts=(-max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048
    -print_final_stats=1 -artifact_prefix="$work/artifacts/$t/")
  dirs=("$work/corpus/$t" "$work/seeds/$t")
  [ -d "$top/tests/fuzz/regressions/$t" ] && dirs+=("$top/tests/fuzz/regressions/$t")
  [ "$t" = pipeline ] && opts+=(-dict="$top/tests/fuzz/pipeline.dict")
  echo "== $t: $seconds s; corpus $work/corpus/$t, artifacts $work/artifacts/$t"
  "$work/fuzz_$t" "${opts[@]}" "${dirs[@]}" || failed=1
done
exit "$failed"
